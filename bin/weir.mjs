#!/usr/bin/env node
// The `weir` command. Weir's sources and user jobs are TypeScript, so tsx's loader is registered before the CLI loads.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
