import type { WindowSpec } from './window-spec.ts';
import { describeOverAggregate } from './over-frame.ts';
import { describeWindowed } from './describe-windowed.ts';
import { describeWindowAggregation } from './describe-window-aggregate.ts';
import { formatExpression } from '../expr/index.ts';
import type { LogicalNode } from './logical/logical-node.ts';
import { inputsOf } from './logical/logical-node.ts';
import { describeCorrelate } from './logical/logical-correlate.ts';
import type { JobGraph } from './physical/job-graph.ts';

/** Flink-style EXPLAIN text: the plan as written, the optimized plan, and the job graph with chaining. */
export function explainPlan(original: LogicalNode, optimized: LogicalNode, graph: JobGraph): string {
  return explainPlans([original], [optimized], graph);
}

/** {@link explainPlan} for a job of several sink plans (a statement set): each tree in turn, then the one job graph. */
export function explainPlans(originals: readonly LogicalNode[], optimized: readonly LogicalNode[], graph: JobGraph): string {
  return [
    '== Abstract Syntax Tree ==',
    originals.map((n) => renderTree(n)).join('\n\n'),
    '',
    '== Optimized Logical Plan ==',
    optimized.map((n) => renderTree(n)).join('\n\n'),
    '',
    '== Physical Execution Plan ==',
    renderGraph(graph),
  ].join('\n');
}

export function renderTree(node: LogicalNode, depth = 0): string {
  const line = `${'  '.repeat(depth)}${depth > 0 ? '+- ' : ''}${describeNode(node)}`;
  return [line, ...inputsOf(node).map((i) => renderTree(i, depth + 1))].join('\n');
}

function describeNode(node: LogicalNode): string {
  const names = inputsOf(node)[0]?.schema.names ?? [];
  switch (node.kind) {
    case 'source': return `TableSourceScan(table=[${node.table}], connector=[${node.connector}], fields=[${node.schema.names.join(', ')}])`;
    case 'values': return `Values(rows=${node.rows.length}, fields=[${node.schema.names.join(', ')}])`;
    case 'project': return `Project(${node.projections.map((p, i) => named(formatExpression(p, names), node.schema.names[i])).join(', ')})`;
    case 'filter': return `Filter(condition=[${formatExpression(node.condition, names)}])`;
    case 'calc': {
      const where = node.condition ? `, where=[${formatExpression(node.condition, names)}]` : '';
      return `Calc(select=[${node.projections.map((p, i) => named(formatExpression(p, names), node.schema.names[i])).join(', ')}]${where})`;
    }
    case 'udf-call': {
      const steps = node.program.steps.map((s) => `${s.fn.name}(${s.args.map((a) => ('col' in a ? names[node.program.argColumns[a.col]] : 'step' in a ? `#${a.step}` : JSON.stringify(a.lit))).join(', ')})`);
      return `${node.program.language === 'python' ? 'PythonCalc' : 'TypeScriptCalc'}(calls=[${steps.join(', ')}], outputs=[${node.schema.names.slice(node.input.schema.length).join(', ')}])`;
    }
    case 'correlate': return describeCorrelate(node);
    case 'union': return `Union(all=[true], fields=[${node.schema.names.join(', ')}])`;
    case 'limit': return `Limit(offset=[${node.offset}], fetch=[${node.fetch}])`;
    case 'distinct': return `Distinct(fields=[${node.schema.names.join(', ')}])`;
    case 'sink': return `Sink(table=[${node.table}], connector=[${node.connector}], fields=[${node.schema.names.join(', ')}])`;
    case 'aggregate': return `Aggregate(groupBy=[${node.groupKeys.map((i) => names[i]).join(', ')}], select=[${node.aggregates.map((a) => `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map((i) => names[i]).join(', ') || '*'}) AS ${a.name}`).join(', ')}])`;
    case 'join': {
      const r = node.right.schema.names;
      const on = node.leftKeys.map((k, i) => `${names[k]} = ${r[node.rightKeys[i]]}`).join(' AND ');
      return `Join(joinType=[${node.joinType.toUpperCase()}], on=[${on}]${node.condition ? `, where=[${formatExpression(node.condition, [...names, ...r])}]` : ''})`;
    }
    case 'rank': return `Rank(rankRange=[${node.rankStart}..${node.rankEnd}], partitionBy=[${node.partitionKeys.map((i) => names[i]).join(', ')}], orderBy=[${node.orderKeys.map((k) => `${names[k.index]} ${k.ascending ? 'ASC' : 'DESC'}`).join(', ')}])`;
    case 'sort': return `Sort(orderBy=[${node.keys.map((k) => `${names[k.index]} ${k.ascending ? 'ASC' : 'DESC'}`).join(', ')}], offset=[${node.offset}], fetch=[${node.fetch ?? 'all'}])`;
    case 'watermark-assigner': return `WatermarkAssigner(rowtime=[${names[node.rowtimeIndex]}], watermark=[${formatExpression(node.watermark, names)}])`;
    case 'window-rank': case 'window-join': case 'interval-join': return describeWindowed(node);
    case 'over-aggregate': return describeOverAggregate(node, names);
    case 'window-tvf': case 'window-aggregate': case 'expand': return describeWindowAggregation(node);
  }
}

/** Flink's explain text of a window, e.g. `TUMBLE(time_col=[ts], size=[5 s])`. */
export function describeWindow(w: WindowSpec, names: readonly string[]): string {
  const ms = (v: number) => (v % 1000 === 0 ? `${v / 1000} s` : `${v} ms`);
  const offset = 'offsetMs' in w && w.offsetMs ? `, offset=[${ms(w.offsetMs)}]` : '';
  switch (w.kind) {
    case 'tumble': return `TUMBLE(time_col=[${names[w.timeIndex]}], size=[${ms(w.sizeMs)}]${offset})`;
    case 'hop': return `HOP(time_col=[${names[w.timeIndex]}], size=[${ms(w.sizeMs)}], slide=[${ms(w.slideMs)}]${offset})`;
    case 'cumulate': return `CUMULATE(time_col=[${names[w.timeIndex]}], max_size=[${ms(w.maxSizeMs)}], step=[${ms(w.stepMs)}]${offset})`;
    case 'session': return `SESSION(time_col=[${names[w.timeIndex]}], gap=[${ms(w.gapMs)}]${w.partitionKeys.length ? `, partition keys=[${w.partitionKeys.map((k) => names[k]).join(', ')}]` : ''})`;
  }
}

function named(text: string, name: string): string {
  return text === name ? text : `${text} AS ${name}`;
}

function renderGraph(graph: JobGraph): string {
  const lines: string[] = [];
  for (const v of graph.vertices) {
    const inputs = graph.edges.filter((e) => e.target === v.id).map((e) => `${e.source} (${e.partitioning.kind})`);
    lines.push(`Vertex ${v.id} [parallelism=${v.parallelism}]${inputs.length ? ` <- ${inputs.join(', ')}` : ''}`);
    for (const node of v.chain) lines.push(`  ${node.name}`);
  }
  return lines.join('\n');
}
