import { formatExpression } from '../expr/index.ts';
import type { LogicalIntervalJoin, LogicalWindowJoin, LogicalWindowRank, WindowColumns } from './logical/logical-node.ts';

/**
 * Explain text of the windowed rank and join nodes, as Flink prints them (`WindowRank(window=[TUMBLE(win_start=[…],
 * win_end=[…], size=[10 s])], …)`). Shared by EXPLAIN's logical trees and the physical node names.
 */
export function describeWindowed(node: LogicalWindowRank | LogicalWindowJoin | LogicalIntervalJoin): string {
  switch (node.kind) {
    case 'window-rank': return describeWindowRank(node);
    case 'window-join': return describeWindowJoin(node);
    case 'interval-join': return describeIntervalJoin(node);
  }
}

/** `TUMBLE(win_start=[window_start], win_end=[window_end], size=[5 s])`: a window known by its bound columns. */
export function describeWindowColumns(w: WindowColumns, names: readonly string[]): string {
  const cols = `win_start=[${names[w.start]}], win_end=[${names[w.end]}]`;
  const s = w.window;
  const offset = 'offsetMs' in s && s.offsetMs ? `, offset=[${duration(s.offsetMs)}]` : '';
  const proc = w.timeDomain === 'processing' ? ', proctime' : '';
  switch (s.kind) {
    case 'tumble': return `TUMBLE(${cols}, size=[${duration(s.sizeMs)}]${offset}${proc})`;
    case 'hop': return `HOP(${cols}, size=[${duration(s.sizeMs)}], slide=[${duration(s.slideMs)}]${offset}${proc})`;
    case 'cumulate': return `CUMULATE(${cols}, max_size=[${duration(s.maxSizeMs)}], step=[${duration(s.stepMs)}]${offset}${proc})`;
    case 'session': return `SESSION(${cols}, gap=[${duration(s.gapMs)}]${proc})`;
  }
}

function describeWindowRank(node: LogicalWindowRank): string {
  const names = node.input.schema.names;
  const window = describeWindowColumns(node.windowColumns, names);
  const partition = node.partitionKeys.map((i) => names[i]).join(', ');
  const order = node.orderKeys.map((k) => `${names[k.index]} ${k.ascending ? 'ASC' : 'DESC'}`).join(', ');
  return `WindowRank(window=[${window}], rankRange=[rankStart=${node.rankStart}, rankEnd=${node.rankEnd}], partitionBy=[${partition}], orderBy=[${order}])`;
}

function describeWindowJoin(node: LogicalWindowJoin): string {
  const { on, where } = joinCondition(node);
  return `WindowJoin(leftWindow=[${describeWindowColumns(node.leftWindow, node.left.schema.names)}], rightWindow=[${describeWindowColumns(node.rightWindow, node.right.schema.names)}], `
    + `joinType=[${node.joinType.toUpperCase()}], on=[${on}]${where})`;
}

function describeIntervalJoin(node: LogicalIntervalJoin): string {
  const { on, where } = joinCondition(node);
  const names = node.schema.names;
  const bounds = `isRowTime=${node.timeDomain === 'event'}, leftLowerBound=${node.lowerBoundMs}, leftUpperBound=${node.upperBoundMs}, `
    + `leftTime=${names[node.leftTimeIndex]}, rightTime=${names[node.left.schema.length + node.rightTimeIndex]}`;
  return `IntervalJoin(joinType=[${node.joinType.toUpperCase()}], windowBounds=[${bounds}], on=[${on}]${where})`;
}

/** Keys and condition in the join's output names (unique: the right side's `id` may print as `id0`). */
function joinCondition(node: LogicalWindowJoin | LogicalIntervalJoin): { on: string; where: string } {
  const names = node.schema.names;
  const nL = node.left.schema.length;
  const on = node.leftKeys.map((k, i) => `${names[k]} = ${names[nL + node.rightKeys[i]]}`).join(' AND ');
  return { on, where: node.condition ? `, where=[${formatExpression(node.condition, names)}]` : '' };
}

function duration(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'min'], [1000, 's']];
  for (const [size, unit] of units) if (ms % size === 0 && ms >= size) return `${ms / size} ${unit}`;
  return `${ms} ms`;
}
