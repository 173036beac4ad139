/** Connectors: the registry, shared option helpers and the built-in connectors. */
export type * from './connector.ts';
export { ConnectorRegistry } from './registry.ts';
export { defaultRegistry, registerBuiltins } from './builtin.ts';
export { checkUnknownOptions, OptionReader, optionError } from './options.ts';
export { TokenBucket } from './rate-limiter.ts';
export { datagenSource } from './datagen/index.ts';
export { nexmarkSource } from './nexmark/index.ts';
export { filesystemSink, filesystemSource } from './filesystem/index.ts';
export { FsWriter, type PendingFile } from './filesystem/sink.ts';
export { createPrintSink, printPrefix, printSink, type PrintStreams } from './print/index.ts';
export { blackholeSink, BlackholeWriter } from './blackhole/index.ts';
