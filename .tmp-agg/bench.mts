import { groupbyState } from '../benchmarks/scenarios/groupby-state.ts';
const rows = Number(process.argv[2] ?? 10_000_000);
const recs = await groupbyState.run({ rows, udfDir: '' });
for (const r of recs) console.log(JSON.stringify(r));
