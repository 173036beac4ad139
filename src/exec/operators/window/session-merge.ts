/**
 * Session window merging (Flink's MergingWindowSet with TimeWindow.intersects): a row at time t opens the window
 * [t, t + gap); windows that overlap or touch merge into one session. Rows of a batch are first merged among
 * themselves into runs, then the runs into a key's pending sessions, so a row that bridges two sessions joins them.
 */

/** A window `[start, end)`. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** Consecutive rows (by time) of one key that form one window: `rows[from..to)` of the sorted rows. */
export interface Run extends Interval {
  readonly from: number;
  readonly to: number;
}

/**
 * Sorts `rows` (row indexes of one key) by time in place, ties by arrival, and splits them into runs: a row whose
 * window [t, t + gap) reaches the run so far (t <= run end) joins it.
 */
export function sessionRuns(rows: Int32Array, times: Float64Array, gap: number): Run[] {
  rows.sort((a, b) => times[a] - times[b] || a - b);
  const runs: Run[] = [];
  let from = 0;
  let start = times[rows[0]];
  let end = start + gap;
  for (let i = 1; i < rows.length; i++) {
    const t = times[rows[i]];
    if (t <= end) { end = Math.max(end, t + gap); continue; }
    runs.push({ start, end, from, to: i });
    from = i;
    start = t;
    end = t + gap;
  }
  runs.push({ start, end, from, to: rows.length });
  return runs;
}

/** One session after merging: which pending sessions and which new runs it is made of. */
export interface MergedSession extends Interval {
  /** Indexes into the pending sessions, by start. */
  readonly sessions: readonly number[];
  /** Indexes into the runs, by start. */
  readonly runs: readonly number[];
}

/** Merges runs into pending sessions (both sorted by start, sessions disjoint): every resulting session, by start. */
export function mergeIntoSessions(sessions: readonly Interval[], runs: readonly Interval[]): MergedSession[] {
  const out: { start: number; end: number; sessions: number[]; runs: number[] }[] = [];
  let i = 0;
  let j = 0;
  while (i < sessions.length || j < runs.length) {
    const takeSession = j >= runs.length || (i < sessions.length && sessions[i].start <= runs[j].start);
    const next = takeSession ? sessions[i] : runs[j];
    const last = out[out.length - 1];
    // Flink's TimeWindow.intersects: windows that touch (one's end = the other's start) merge too.
    if (last !== undefined && next.start <= last.end) {
      last.end = Math.max(last.end, next.end);
      if (takeSession) last.sessions.push(i); else last.runs.push(j);
    } else {
      out.push({ start: next.start, end: next.end, sessions: takeSession ? [i] : [], runs: takeSession ? [] : [j] });
    }
    if (takeSession) i++; else j++;
  }
  return out;
}
