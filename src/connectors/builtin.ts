import { blackholeSink } from './blackhole/index.ts';
import { datagenSource } from './datagen/index.ts';
import { filesystemSink, filesystemSource } from './filesystem/index.ts';
import { nexmarkSource } from './nexmark/index.ts';
import { printSink } from './print/index.ts';
import { scriptedSource } from './scripted/index.ts';
import { ConnectorRegistry } from './registry.ts';

/** Registers Weir's built-in connectors; each connector lives in its own folder and is only imported here. */
export function registerBuiltins(registry: ConnectorRegistry): ConnectorRegistry {
  return registry
    .registerSource(datagenSource)
    .registerSource(filesystemSource)
    .registerSource(scriptedSource)
    .registerSource(nexmarkSource)
    .registerSink(filesystemSink)
    .registerSink(printSink)
    .registerSink(blackholeSink);
}

/** The registry the planner uses unless given another: datagen, filesystem, nexmark, scripted (testing), print, blackhole. */
export const defaultRegistry: ConnectorRegistry = registerBuiltins(new ConnectorRegistry());
