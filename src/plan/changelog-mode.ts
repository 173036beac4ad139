import type { LogicalNode } from './logical/logical-node.ts';
import { inputsOf } from './logical/logical-node.ts';

/**
 * Whether a node's output can contain update/delete rows (-U, +U, -D) or only inserts (+I), as Flink's changelog
 * mode inference decides. Sinks that accept only inserts are checked against this at planning time.
 */
export function producesUpdates(node: LogicalNode): boolean {
  switch (node.kind) {
    case 'source': case 'values': return false;
    // Group aggregation updates its previous result for a key; with no aggregates (DISTINCT) and insert-only input
    // a group's row never changes, so it stays insert-only.
    case 'aggregate': return node.aggregates.length > 0 || producesUpdates(node.input);
    case 'join': return node.joinType !== 'inner' || inputsOf(node).some(producesUpdates);
    case 'rank': return true;
    // A window's result is emitted once, when the window fires, even over an updating input (Flink's WindowAggregate).
    case 'window-aggregate': return false;
    case 'sort': return producesUpdates(node.input);
    default: return inputsOf(node).some(producesUpdates);
  }
}
