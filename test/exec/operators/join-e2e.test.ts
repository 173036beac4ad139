import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TableEnvironment } from '../../../src/api/table-environment.ts';
import { canon, joinTables, LEFT_ROWS, referenceJoin, RIGHT_ROWS } from './join-fixtures.ts';

for (const parallelism of [1, 2]) {
  describe(`joins end to end (parallelism ${parallelism})`, () => {
    for (const type of ['inner', 'left', 'right', 'full'] as const) {
      for (const withCondition of [false, true]) {
        it(`${type} join${withCondition ? ' with a non-equi condition' : ''} matches a brute-force reference`, async () => {
          const env = TableEnvironment.create({ parallelism });
          const rows = await joinTables(env, type, withCondition).execute().materialize();
          const expected = referenceJoin(type, LEFT_ROWS, RIGHT_ROWS, withCondition ? (l, r) => (l[2] as number) < (r[1] as number) : undefined);
          assert.deepEqual(canon(rows.map((r) => r.values)), canon(expected));
        });
      }
    }
  });
}
