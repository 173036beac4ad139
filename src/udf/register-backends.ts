/** Side-effect module: makes every UDF backend (Python processes, TypeScript worker threads) available. */
import './udf-backends.ts';
import './ts/register.ts';
