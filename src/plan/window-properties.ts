import type { LogicalNode, WindowColumns } from './logical/logical-node.ts';
import type { TimeDomain, WindowSpec } from './window-spec.ts';

/** What a column of a relation is, as far as windows go (Flink's RelWindowProperties, one column at a time). */
export interface WindowProperty {
  readonly role: 'start' | 'end' | 'time';
  readonly window: WindowSpec;
  readonly timeDomain: TimeDomain;
  /**
   * Identifies the window table function (or window aggregation) the column comes from, so that a `window_start` and a `window_end` are
   * known to describe the same windows (not two TVFs that happen to be equal).
   */
  readonly origin: LogicalNode;
}

/**
 * Whether column `index` of `node` is the `window_start`, `window_end` or `window_time` of a window table function
 * or window aggregation below it, followed through the nodes that pass columns on unchanged (projections and filters of plain column
 * references, window Top-N, window joins). Undefined for any other column.
 */
export function windowPropertyOf(node: LogicalNode, index: number): WindowProperty | undefined {
  switch (node.kind) {
    case 'window-tvf': {
      const n = node.input.schema.length;
      const role = index === n ? 'start' : index === n + 1 ? 'end' : index === n + 2 ? 'time' : undefined;
      return role ? { role, window: node.window, timeDomain: node.timeDomain, origin: node } : undefined;
    }
    case 'window-aggregate': {
      const n = node.groupKeys.length;
      const role = index === n ? 'start' : index === n + 1 ? 'end' : index === n + 2 ? 'time' : undefined;
      return role ? { role, window: node.window, timeDomain: node.timeDomain, origin: node } : undefined;
    }
    case 'project': case 'calc': {
      const e = node.projections[index];
      return e?.kind === 'input' ? windowPropertyOf(node.input, e.index) : undefined;
    }
    case 'filter': case 'window-rank':
      return index < node.input.schema.length ? windowPropertyOf(node.input, index) : undefined;
    case 'window-join': {
      const n = node.left.schema.length;
      return index < n ? windowPropertyOf(node.left, index) : windowPropertyOf(node.right, index - n);
    }
    default:
      return undefined;
  }
}

/**
 * Whether column `index` of `node` holds each row's time: a time attribute, the window_time of a window, or the
 * column a window table function windowed by (a plain timestamp after the function, as in Flink, but still the time
 * the rows were assigned to windows by). Window deduplication keeps the first or last row by such a column.
 */
export function isRowTimeColumn(node: LogicalNode, index: number): boolean {
  if (node.schema.columns[index]?.timeAttribute) return true;
  if (windowPropertyOf(node, index)?.role === 'time') return true;
  switch (node.kind) {
    case 'window-tvf': return index === node.window.timeIndex;
    case 'project': case 'calc': {
      const e = node.projections[index];
      return e?.kind === 'input' && isRowTimeColumn(node.input, e.index);
    }
    case 'filter': case 'window-rank':
      return index < node.input.schema.length && isRowTimeColumn(node.input, index);
    default: return false;
  }
}

/**
 * The window columns of a relation whose columns `start` and `end` are one window TVF's window_start and
 * window_end; undefined otherwise.
 */
export function windowColumnsOf(node: LogicalNode, start: number, end: number): WindowColumns | undefined {
  const s = windowPropertyOf(node, start);
  const e = windowPropertyOf(node, end);
  if (!s || !e || s.role !== 'start' || e.role !== 'end' || s.origin !== e.origin) return undefined;
  return { start, end, window: s.window, timeDomain: s.timeDomain };
}

/** Whether two windows assign rows to the same windows (the time column may differ: it lives in each side's input). */
export function sameWindows(a: WindowSpec, b: WindowSpec): boolean {
  switch (a.kind) {
    case 'tumble': return b.kind === 'tumble' && a.sizeMs === b.sizeMs && a.offsetMs === b.offsetMs;
    case 'hop': return b.kind === 'hop' && a.sizeMs === b.sizeMs && a.slideMs === b.slideMs && a.offsetMs === b.offsetMs;
    case 'cumulate': return b.kind === 'cumulate' && a.maxSizeMs === b.maxSizeMs && a.stepMs === b.stepMs && a.offsetMs === b.offsetMs;
    case 'session': return b.kind === 'session' && a.gapMs === b.gapMs;
  }
}
