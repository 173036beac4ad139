import type { Configuration } from '../../config/configuration.ts';
import { CoreOptions } from '../../config/options.ts';
import { formatExpression } from '../../expr/index.ts';
import type { LogicalNode } from '../logical/logical-node.ts';
import { isBounded } from '../logical/logical-node.ts';
import { describeCorrelate } from '../logical/logical-correlate.ts';
import { producesUpdates } from '../changelog-mode.ts';
import { checkUdafCalls } from '../udaf-calls.ts';
import { describeOverAggregate, isBoundedFrame } from '../over-frame.ts';
import { checkChangelogOver } from '../over-changelog-calls.ts';
import { chainOperators, type PlannedNode } from './chain-operators.ts';
import { assignOperatorUids } from './operator-uids.ts';
import type { JobGraph, Partitioning } from './job-graph.ts';
import type { PhysicalNode } from './physical-node.ts';
import { planWindowed } from './plan-windowed.ts';
import { planWindowAggregation } from './plan-window-aggregate.ts';

/** Where a planned node's output goes at the end of the query. */
export type PlanTarget = { kind: 'collect' } | { kind: 'sink-in-plan' };

/**
 * Turns an optimized logical plan into a job graph: one physical node per logical node, a parallelism for each,
 * a partitioning for each edge, then chaining of forward edges. Several roots (each ending in a sink: a statement
 * set) become one graph of independent pipelines that run as one job.
 */
export function planJob(root: LogicalNode | readonly LogicalNode[], config: Configuration, target: PlanTarget): JobGraph {
  const roots: readonly LogicalNode[] = Array.isArray(root) ? root : [root as LogicalNode];
  if (roots.length === 0 || (target.kind === 'collect' && roots.length !== 1)) {
    throw new Error(`internal: a ${target.kind} job needs ${target.kind === 'collect' ? 'exactly one root' : 'at least one root'}, got ${roots.length}`);
  }
  const planner = new PhysicalPlanner(config);
  let top = planner.plan(roots[0]);
  for (const r of roots.slice(1)) top = planner.plan(r);
  if (target.kind === 'collect') {
    top = planner.add(
      { kind: 'collect', id: planner.nextId(), name: 'Collect', outputSchema: roots[0].schema.columns },
      1,
      [{ from: top, partitioning: { kind: 'global' } }],
    );
  }
  return chainOperators(assignOperatorUids(planner.nodes, planner.userUids), roots.every(isBounded), config.get(CoreOptions.OPERATOR_CHAINING));
}

class PhysicalPlanner {
  readonly nodes: PlannedNode[] = [];
  /** Uids the user gave (`table.uid()`, a SQL UID hint), by the node planned for the logical node. */
  readonly userUids = new Map<PlannedNode, string>();
  private counter = 0;
  private readonly parallelism: number;
  private readonly maxParallelism: number;

  constructor(config: Configuration) {
    this.parallelism = config.get(CoreOptions.PARALLELISM);
    this.maxParallelism = config.get(CoreOptions.MAX_PARALLELISM);
  }

  nextId(): string { return `n${this.counter++}`; }

  add(node: PhysicalNode, parallelism: number, inputs: PlannedNode['inputs']): PlannedNode {
    const planned: PlannedNode = { node, parallelism, inputs };
    this.nodes.push(planned);
    return planned;
  }

  plan(node: LogicalNode): PlannedNode {
    const planned = this.planNode(node);
    if (node.uid !== undefined) this.userUids.set(planned, node.uid);
    return planned;
  }

  private planNode(node: LogicalNode): PlannedNode {
    const id = this.nextId();
    const outputSchema = node.schema.columns;
    switch (node.kind) {
      case 'source':
        return this.add({ kind: 'source', id, name: `Source(${node.table}, connector=${node.connector})`, table: node.table, outputSchema, connector: node.connector, options: node.options }, this.parallelism, []);
      case 'values':
        return this.add({ kind: 'values', id, name: `Values(rows=${node.rows.length})`, outputSchema, rows: node.rows }, 1, []);
      case 'calc': {
        const input = this.plan(node.input);
        const names = node.input.schema.names;
        const select = node.projections.map((p, i) => {
          const text = formatExpression(p, names);
          return text === node.schema.names[i] ? text : `${text} AS ${node.schema.names[i]}`;
        }).join(', ');
        const where = node.condition ? `, where=[${formatExpression(node.condition, names)}]` : '';
        return this.add({ kind: 'calc', id, name: `Calc(select=[${select}]${where})`, outputSchema, inputSchema: node.input.schema.columns, condition: node.condition, projections: node.projections }, input.parallelism, [this.forward(input)]);
      }
      case 'udf-call': {
        const input = this.plan(node.input);
        const fns = node.program.steps.map((s) => s.fn.name).join(', ');
        const label = node.program.language === 'python' ? 'PythonCalc' : 'TypeScriptCalc';
        return this.add({ kind: 'udf-call', id, name: `${label}(${fns})`, outputSchema, inputSchema: node.input.schema.columns, program: node.program }, input.parallelism, [this.forward(input)]);
      }
      case 'correlate': {
        const input = this.plan(node.input);
        return this.add({ kind: 'correlate', id, name: describeCorrelate(node), outputSchema, inputSchema: node.input.schema.columns, program: node.program, joinType: node.joinType }, input.parallelism, [this.forward(input)]);
      }
      case 'union': {
        const inputs = node.inputs.map((i) => this.plan(i));
        const p = Math.max(...inputs.map((i) => i.parallelism));
        return this.add({ kind: 'union', id, name: 'Union', outputSchema }, p, inputs.map((i) => (i.parallelism === p ? this.forward(i) : { from: i, partitioning: { kind: 'rebalance' } as Partitioning })));
      }
      case 'limit': {
        const input = this.plan(node.input);
        return this.add({ kind: 'limit', id, name: `Limit(offset=${node.offset}, fetch=${node.fetch})`, outputSchema, offset: node.offset, fetch: node.fetch }, 1, [{ from: input, partitioning: { kind: 'global' } }]);
      }
      case 'distinct': {
        const input = this.plan(node.input);
        const keys = node.schema.columns.map((_, i) => i);
        return this.add({ kind: 'distinct', id, name: `Distinct(${node.schema.names.join(', ')})`, outputSchema }, this.parallelism, [{ from: input, partitioning: { kind: 'hash', keys, maxParallelism: this.maxParallelism } }]);
      }
      case 'sink': {
        const input = this.plan(node.input);
        return this.add({ kind: 'sink', id, name: `Sink(${node.table}, connector=${node.connector})`, table: node.table, outputSchema, connector: node.connector, options: node.options }, input.parallelism, [this.forward(input)]);
      }
      case 'aggregate': {
        checkUdafCalls(node.aggregates, 'GROUP BY', producesUpdates(node.input));
        const input = this.plan(node.input);
        const keyed = node.groupKeys.length > 0;
        const names = node.input.schema.names;
        const aggs = node.aggregates.map((a) => `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map((i) => names[i]).join(', ') || '*'})${a.filter !== null ? ` FILTER ${names[a.filter]}` : ''} AS ${a.name}`);
        return this.add({
          kind: 'group-aggregate', id, name: `GroupAggregate(groupBy=[${node.groupKeys.map((i) => names[i]).join(', ')}], select=[${aggs.join(', ')}])`,
          outputSchema, inputSchema: node.input.schema.columns, groupKeys: node.groupKeys, aggregates: node.aggregates, inputUpdates: producesUpdates(node.input),
        }, keyed ? this.parallelism : 1, [{ from: input, partitioning: keyed ? this.hash(node.groupKeys) : { kind: 'global' } }]);
      }
      case 'join': {
        const left = this.plan(node.left);
        const right = this.plan(node.right);
        const keyed = node.leftKeys.length > 0;
        const l = node.left.schema.names;
        const r = node.right.schema.names;
        const on = node.leftKeys.map((k, i) => `${l[k]} = ${r[node.rightKeys[i]]}`).join(' AND ');
        const rest = node.condition ? `, where=[${formatExpression(node.condition, [...l, ...r])}]` : '';
        return this.add({
          kind: 'join', id, name: `Join(joinType=[${node.joinType.toUpperCase()}], on=[${on}]${rest})`, outputSchema,
          leftSchema: node.left.schema.columns, rightSchema: node.right.schema.columns, joinType: node.joinType,
          leftKeys: node.leftKeys, rightKeys: node.rightKeys, condition: node.condition,
          leftUpdates: producesUpdates(node.left), rightUpdates: producesUpdates(node.right),
        }, keyed ? this.parallelism : 1, [
          { from: left, partitioning: keyed ? this.hash(node.leftKeys) : { kind: 'global' } },
          { from: right, partitioning: keyed ? this.hash(node.rightKeys) : { kind: 'global' } },
        ]);
      }
      case 'rank': {
        const input = this.plan(node.input);
        const keyed = node.partitionKeys.length > 0;
        const names = node.input.schema.names;
        return this.add({
          kind: 'rank', id, name: `Rank(rankRange=[${node.rankStart}..${node.rankEnd}], partitionBy=[${node.partitionKeys.map((i) => names[i]).join(', ')}], orderBy=[${node.orderKeys.map((k) => `${names[k.index]} ${k.ascending ? 'ASC' : 'DESC'}`).join(', ')}])`,
          outputSchema, inputSchema: node.input.schema.columns, partitionKeys: node.partitionKeys, orderKeys: node.orderKeys,
          rankStart: node.rankStart, rankEnd: node.rankEnd, outputRankNumber: node.outputRankNumber, inputUpdates: producesUpdates(node.input),
        }, keyed ? this.parallelism : 1, [{ from: input, partitioning: keyed ? this.hash(node.partitionKeys) : { kind: 'global' } }]);
      }
      case 'over-aggregate': {
        const inputUpdates = producesUpdates(node.input);
        if (inputUpdates) checkChangelogOver(node.aggregates, node.timeDomain);
        else checkUdafCalls(node.aggregates, 'OVER aggregation', false, { unboundedFrame: !isBoundedFrame(node.frame) });
        const input = this.plan(node.input);
        const keyed = node.partitionKeys.length > 0;
        return this.add({
          kind: 'over-aggregate', id, name: describeOverAggregate(node, node.input.schema.names), outputSchema,
          inputSchema: node.input.schema.columns, partitionKeys: node.partitionKeys, orderKey: node.orderKey,
          timeDomain: node.timeDomain, frame: node.frame, aggregates: node.aggregates, inputUpdates,
        }, keyed ? this.parallelism : 1, [{ from: input, partitioning: keyed ? this.hash(node.partitionKeys) : { kind: 'global' } }]);
      }
      case 'sort': {
        const input = this.plan(node.input);
        const names = node.input.schema.names;
        return this.add({
          kind: 'sort', id, name: `Sort(orderBy=[${node.keys.map((k) => `${names[k.index]} ${k.ascending ? 'ASC' : 'DESC'}`).join(', ')}], offset=${node.offset}, fetch=${node.fetch ?? 'all'})`,
          outputSchema, keys: node.keys, offset: node.offset, fetch: node.fetch,
        }, 1, [{ from: input, partitioning: { kind: 'global' } }]);
      }
      case 'watermark-assigner': {
        const input = this.plan(node.input);
        const names = node.input.schema.names;
        return this.add({
          kind: 'watermark-assigner', id, name: `WatermarkAssigner(rowtime=[${names[node.rowtimeIndex]}], watermark=[${formatExpression(node.watermark, names)}])`,
          outputSchema, inputSchema: node.input.schema.columns, rowtimeIndex: node.rowtimeIndex, watermark: node.watermark,
        }, input.parallelism, [this.forward(input)]);
      }
      case 'window-rank': case 'window-join': case 'interval-join':
        return planWindowed({
          parallelism: this.parallelism, maxParallelism: this.maxParallelism, plan: (n) => this.plan(n), add: (n, p, i) => this.add(n, p, i),
        }, node, id);
      case 'window-tvf': case 'window-aggregate': case 'expand':
        return planWindowAggregation({
          parallelism: this.parallelism, maxParallelism: this.maxParallelism, plan: (n) => this.plan(n), add: (n, p, i) => this.add(n, p, i),
        }, node, id);
      case 'project': case 'filter':
        throw new Error(`internal: ${node.kind} must be fused into a calc before physical planning`);
    }
  }

  private hash(keys: readonly number[]): Partitioning {
    return { kind: 'hash', keys, maxParallelism: this.maxParallelism };
  }

  private forward(from: PlannedNode): PlannedNode['inputs'][number] {
    return { from, partitioning: { kind: 'forward' } };
  }
}
