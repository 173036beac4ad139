// Worker-thread entry when the slot thread runs from source (no up-to-date bundle, see src/exec/job/slot-bundle.ts).
// Node 20 does not run `--import` hooks before a worker's entry module, so this plain-JS file registers tsx's loader
// itself and then loads the TypeScript slot thread.
import { register } from 'tsx/esm/api';

register();

await import('./slot-thread-main.ts');
