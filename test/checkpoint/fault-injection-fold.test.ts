import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldChangelog } from './fault-injection/changelog-fold.ts';

const c = (row: string) => `{"before":null,"after":${row},"op":"c"}`;
const d = (row: string) => `{"before":${row},"after":null,"op":"d"}`;
const A1 = '{"k":1,"n":1,"s":10}', A2 = '{"k":1,"n":2,"s":13}', B1 = '{"k":2,"n":1,"s":5}';

describe('folding the fault-injection job\'s Debezium changelog', () => {
  it('adds after rows and removes before rows, as a multiset', () => {
    assert.deepEqual(foldChangelog([c(A1), c(B1), d(A1), c(A2)]), { rows: [A2, B1], changes: 4, errors: [] });
  });

  it('shows a duplicated or lost change: a wrong table or a removal of a row not there', () => {
    assert.deepEqual(foldChangelog([c(A1), c(A1), d(A1), c(A2)]).rows, [A1, A2]); // +I committed twice
    assert.deepEqual(foldChangelog([c(A1), d(A1), d(A1), c(A2)]).errors, [`line 3 removes a row not in the table: ${A1}`]);
    assert.deepEqual(foldChangelog([d(A1), c(A2)]).errors, [`line 1 removes a row not in the table: ${A1}`]); // lost +I
    assert.match(foldChangelog(['{"before":null,"after":null,"op":"u"}']).errors[0], /not a Debezium c\/d change/);
  });
});
