import type { LogicalNode } from '../logical/logical-node.ts';

/** A copy of `node` with each input replaced by `f(input)`; the node itself when nothing changed. */
export function mapInputs(node: LogicalNode, f: (input: LogicalNode) => LogicalNode): LogicalNode {
  switch (node.kind) {
    case 'source': case 'values':
      return node;
    case 'join': case 'window-join': case 'interval-join': {
      const left = f(node.left);
      const right = f(node.right);
      return left === node.left && right === node.right ? node : { ...node, left, right };
    }
    case 'union': {
      const inputs = node.inputs.map(f);
      return inputs.every((x, i) => x === node.inputs[i]) ? node : { ...node, inputs };
    }
    default: {
      const input = f(node.input);
      return input === node.input ? node : { ...node, input } as LogicalNode;
    }
  }
}
