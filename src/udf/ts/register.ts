/** Side-effect module: registers the 'typescript' UDF backend (worker-thread pool) with the backend registry. */
import { registerUdfBackend } from '../udf-backends.ts';
import { tsUdfBackendFactory } from './ts-backend.ts';

registerUdfBackend(tsUdfBackendFactory);
