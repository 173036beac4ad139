import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sliceAssigner, sliceable } from '../../../../src/exec/operators/window/slice-assigner.ts';
import { assignWindows, type AlignedWindowSpec } from '../../../../src/exec/operators/window/window-assigner.ts';

/** Window specs with offsets (negative too), HOP sizes that are not a multiple of the slide, CUMULATE cycles. */
const SPECS: AlignedWindowSpec[] = [
  { kind: 'tumble', timeIndex: 0, sizeMs: 10, offsetMs: 0 },
  { kind: 'tumble', timeIndex: 0, sizeMs: 10, offsetMs: -3 },
  { kind: 'hop', timeIndex: 0, sizeMs: 10, slideMs: 2, offsetMs: 0 },
  { kind: 'hop', timeIndex: 0, sizeMs: 10, slideMs: 4, offsetMs: 1 },
  { kind: 'hop', timeIndex: 0, sizeMs: 7, slideMs: 3, offsetMs: -2 },
  { kind: 'hop', timeIndex: 0, sizeMs: 6, slideMs: 6, offsetMs: 0 },
  { kind: 'cumulate', timeIndex: 0, maxSizeMs: 12, stepMs: 3, offsetMs: 0 },
  { kind: 'cumulate', timeIndex: 0, maxSizeMs: 8, stepMs: 2, offsetMs: 5 },
];
const TIMES = Float64Array.from({ length: 61 }, (_, i) => i - 30);

describe('slice assigner', () => {
  for (const spec of SPECS) {
    it(`${JSON.stringify(spec)}: a row's windows are its slice's windows, and each of them covers the slice`, () => {
      const a = sliceAssigner(spec);
      const pairs = assignWindows(spec, TIMES);
      for (let i = 0; i < TIMES.length; i++) {
        const t = TIMES[i];
        const slice = a.sliceEnd(t);
        const expected: number[] = [];
        for (let p = 0; p < pairs.length; p++) {
          if (pairs.rows[p] !== i) continue;
          expected.push(pairs.ends[p]);
          assert.equal(a.windowStart(pairs.ends[p]), pairs.starts[p], `start of window ending ${pairs.ends[p]}`);
        }
        assert.deepEqual(a.windowEnds(slice), expected, `windows of t=${t} (slice ending ${slice})`);
        assert.ok(slice > t, `slice ending ${slice} contains ${t}`);
        assert.equal(a.lastWindowEnd(slice), expected[expected.length - 1]);
        for (const w of expected) assert.ok(a.slicesOf(w).includes(slice), `window ending ${w} covers slice ${slice}`);
      }
    });

    it(`${JSON.stringify(spec)}: the slices of a window tile it exactly`, () => {
      const a = sliceAssigner(spec);
      for (const w of new Set(assignWindows(spec, TIMES).ends)) {
        const slices = a.slicesOf(w);
        const start = a.windowStart(w);
        // Consecutive slice ends from the window's first slice to its end, each slice one slice length long.
        assert.equal(slices[slices.length - 1], w);
        const length = a.sliceLength;
        assert.equal(slices[0] - length, start);
        for (let i = 1; i < slices.length; i++) assert.equal(slices[i] - slices[i - 1], length);
      }
    });
  }

  it('a row is late once every window of its slice has fired; CUMULATE sends it to the slice holding the merge', () => {
    const hop = sliceAssigner(SPECS[2]);
    // Slice [4, 6) is in the windows ending 6 .. 14: on time until 14 has fired.
    assert.equal(hop.target(6, 12), 6);
    assert.equal(hop.target(6, 13), NaN);
    const cum = sliceAssigner(SPECS[6]);
    // Cycle [0, 12), step 3: windows ending 3, 6, 9 and 12 have fired by 8 + 1 = 9 except 12.
    assert.equal(cum.target(3, -Infinity), 3);
    assert.equal(cum.target(3, 8), 9);
    assert.equal(cum.target(6, 8), 9);
    assert.equal(cum.target(12, 8), 12);
    assert.equal(cum.target(3, 11), NaN);
    assert.equal(cum.target(15, 11), 15);
  });

  it('only integral window sizes, CUMULATE sizes that are a multiple of the step and HOP slices not too fine are sliced', () => {
    assert.equal(sliceable({ kind: 'hop', timeIndex: 0, sizeMs: 10.5, slideMs: 2, offsetMs: 0 }), false);
    assert.equal(sliceable({ kind: 'cumulate', timeIndex: 0, maxSizeMs: 10, stepMs: 4, offsetMs: 0 }), false);
    assert.equal(sliceable(SPECS[4]), true);
    // 10001 one-millisecond slices per window, where a row is in two windows.
    assert.equal(sliceable({ kind: 'hop', timeIndex: 0, sizeMs: 10_001, slideMs: 10_000, offsetMs: 0 }), false);
    assert.equal(sliceable({ kind: 'hop', timeIndex: 0, sizeMs: 86_400_000, slideMs: 60_000, offsetMs: 0 }), true);
  });
});
