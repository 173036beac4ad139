import { ConnectorError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import type { SinkFactory, SourceFactory } from './connector.ts';

/**
 * Connector factories by identifier (the `connector` option), kept apart for sources and sinks as in Flink's
 * factory discovery. Identifiers are matched case-insensitively.
 */
export class ConnectorRegistry {
  private readonly sources = new Map<string, SourceFactory>();
  private readonly sinks = new Map<string, SinkFactory>();

  /** Adds a source factory; registering the same identifier twice is a programming error. */
  registerSource(factory: SourceFactory): this {
    add(this.sources, factory, 'source');
    return this;
  }

  /** Adds a sink factory; registering the same identifier twice is a programming error. */
  registerSink(factory: SinkFactory): this {
    add(this.sinks, factory, 'sink');
    return this;
  }

  /** The source factory for `identifier`, or CONNECTOR_NOT_FOUND listing the known source identifiers. */
  source(identifier: string): SourceFactory {
    return find(this.sources, identifier, 'source', this.identifiers('sink'));
  }

  /** The sink factory for `identifier`, or CONNECTOR_NOT_FOUND listing the known sink identifiers. */
  sink(identifier: string): SinkFactory {
    return find(this.sinks, identifier, 'sink', this.identifiers('source'));
  }

  hasSource(identifier: string): boolean { return this.sources.has(normalise(identifier)); }
  hasSink(identifier: string): boolean { return this.sinks.has(normalise(identifier)); }

  /** Sorted identifiers of sources, sinks, or (by default) both. */
  identifiers(kind?: 'source' | 'sink'): string[] {
    const ids = new Set<string>();
    if (kind !== 'sink') for (const k of this.sources.keys()) ids.add(k);
    if (kind !== 'source') for (const k of this.sinks.keys()) ids.add(k);
    return [...ids].sort();
  }
}

const normalise = (id: string): string => id.trim().toLowerCase();

function add<F extends { identifier: string }>(map: Map<string, F>, factory: F, kind: string): void {
  const id = normalise(factory.identifier);
  if (map.has(id)) {
    throw new ConnectorError(`A ${kind} connector with identifier '${id}' is already registered`, {
      hint: 'Use a different identifier, or a separate ConnectorRegistry.',
    }, ErrorCodes.PLAN_INVALID);
  }
  map.set(id, factory);
}

function find<F>(map: Map<string, F>, identifier: string, kind: 'source' | 'sink', other: string[]): F {
  const factory = map.get(normalise(identifier));
  if (factory) return factory;
  const known = [...map.keys()].sort();
  const otherKind = kind === 'source' ? 'sink' : 'source';
  const hint = other.includes(normalise(identifier))
    ? `'${identifier}' is a ${otherKind} connector and cannot be used as a ${kind}.`
    : `Set 'connector' to one of: ${known.join(', ')}.`;
  throw new ConnectorError(
    `Could not find any ${kind} connector for 'connector' = '${identifier}'. Available ${kind} connectors: ${known.join(', ') || '(none)'}`,
    { hint },
    ErrorCodes.CONNECTOR_NOT_FOUND,
  );
}
