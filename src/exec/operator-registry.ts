import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import type { PhysicalNode } from '../plan/physical/physical-node.ts';
import type { StreamOperator } from './operator.ts';

type Factory<K extends PhysicalNode['kind']> = (node: Extract<PhysicalNode, { kind: K }>) => StreamOperator;

const factories = new Map<string, (node: PhysicalNode) => StreamOperator>();

/** Registers how to build the operator for a physical node kind. Later issues add kinds without editing a switch. */
export function registerOperator<K extends PhysicalNode['kind']>(kind: K, factory: Factory<K>): void {
  factories.set(kind, factory as (node: PhysicalNode) => StreamOperator);
}

export function createOperator(node: PhysicalNode): StreamOperator {
  const factory = factories.get(node.kind);
  if (!factory) {
    throw new PlanError(`No operator is registered for plan node kind '${node.kind}' (${node.name})`, {
      hint: `Known kinds: ${[...factories.keys()].join(', ')}`,
    }, ErrorCodes.INTERNAL);
  }
  return factory(node);
}
