import { describeWindow } from './explain.ts';
import type { LogicalExpand, LogicalWindowAggregate, LogicalWindowTableFunction } from './logical/logical-node.ts';

/**
 * Explain text of window table functions, window aggregation and Expand, as Flink prints them
 * (`WindowAggregate(groupBy=[k], window=[TUMBLE(time_col=[ts], size=[10 s])], select=[k, COUNT(*) AS c, ...])`).
 * Shared by EXPLAIN's logical trees and the physical node names.
 */
export function describeWindowAggregation(node: LogicalWindowTableFunction | LogicalWindowAggregate | LogicalExpand): string {
  const names = node.input.schema.names;
  switch (node.kind) {
    case 'window-tvf': return `WindowTableFunction(window=[${describeWindow(node.window, names)}${proc(node.timeDomain)}])`;
    case 'window-aggregate': {
      const aggs = node.aggregates.map((a) => `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${a.args.map((i) => names[i]).join(', ') || '*'})${a.filter !== null ? ` FILTER ${names[a.filter]}` : ''} AS ${a.name}`);
      const keys = node.groupKeys.map((i) => names[i]);
      const select = [...keys, ...aggs, "start('w$) AS window_start", "end('w$) AS window_end", "rowtime('w$) AS window_time"];
      return `WindowAggregate(groupBy=[${keys.join(', ')}], window=[${describeWindow(node.window, names)}${proc(node.timeDomain)}], select=[${select.join(', ')}])`;
    }
    case 'expand': return `Expand(sets=[${node.sets.map((s) => `{${s.map((i) => names[i]).join(', ')}}`).join(', ')}], expand_id=[$e])`;
  }
}

function proc(domain: string): string {
  return domain === 'processing' ? ', proctime' : '';
}
