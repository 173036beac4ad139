import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nexmarkSource } from '../../../src/connectors/index.ts';
import { ConnectorError } from '../../../src/errors/errors.ts';
import { Schema } from '../../../src/types/schema.ts';
import { parseDataType as T } from '../../../src/types/parse-data-type.ts';
import { rowsFromBatch } from '../../../src/batch/values/index.ts';
import { context, drain } from '../helpers.ts';
import { allEvents, eventKey, events, eventTime, NEXMARK_SCHEMA, reader } from './helpers.ts';

const BASE = Date.UTC(2015, 6, 15);

describe('nexmark source: the event stream', () => {
  it('deals events by id in the proportions 1 : 3 : 46 (and custom ones)', async () => {
    const evs = await events({ 'events.num': '5000' });
    const count = (t: number): number => evs.filter((e) => e.type === t).length;
    assert.deepEqual([count(0), count(1), count(2)], [100, 300, 4600]);
    for (const e of evs) {
      assert.equal([e.person, e.auction, e.bid].filter((r) => r !== null).length, 1, 'exactly one of person, auction, bid is set');
      assert.notEqual([e.person, e.auction, e.bid][e.type], null);
    }
    const custom = await events({ 'events.num': '1000', 'person.proportion': '2', 'auction.proportion': '6', 'bid.proportion': '92' });
    assert.deepEqual([0, 1, 2].map((t) => custom.filter((e) => e.type === t).length), [20, 60, 920]);
  });

  it('numbers people and auctions consecutively from 1000, as nexmark-flink does from event id 2', async () => {
    const evs = await events({ 'events.num': '2000' });
    // Event number 1 has id 2: an auction (ids 1..3 of each 50 are auctions, 0 a person, 4..49 bids).
    assert.equal(evs[0].type, 1);
    assert.deepEqual(evs.slice(0, 4).map((e) => e.type), [1, 1, 2, 2]);
    assert.deepEqual(evs.filter((e) => e.person).map((e) => Number(e.person!.id)), Array.from({ length: 40 }, (_, i) => 1001 + i));
    const auctions = evs.filter((e) => e.auction).map((e) => Number(e.auction!.id));
    assert.deepEqual(auctions, Array.from({ length: auctions.length }, (_, i) => 1001 + i));
  });

  it('spaces event times by the event rate from the base time', async () => {
    const evs = await events({ 'events.num': '300', 'first-event.rate': '100', 'next-event.rate': '100' });
    // Event number k (k = 1, 2, ...) happens at base + k × 10 ms.
    assert.deepEqual(evs.slice(0, 3).map(eventTime), [BASE + 10, BASE + 20, BASE + 30]);
    assert.equal(eventTime(evs[299]), BASE + 3000);
    const fast = await events({ 'events.num': '30', 'events-per-second': '10000', 'base-time': '2020-01-01T00:00:00Z' });
    assert.equal(eventTime(fast[9]), Date.UTC(2020, 0, 1) + 1, '10 events of 100 µs make 1 ms');
  });

  it('generates fields in nexmark ranges and formats', async () => {
    const evs = await events({ 'events.num': '20000' });
    const people = evs.flatMap((e) => (e.person ? [e.person] : []));
    const auctions = evs.flatMap((e) => (e.auction ? [e.auction] : []));
    const bids = evs.flatMap((e) => (e.bid ? [e.bid] : []));
    for (const p of people) {
      assert.match(p.name, /^[A-Z][a-z]+ [A-Z][a-z]+$/);
      assert.match(p.emailAddress, /^[a-z]([a-z ]*[a-z])?@[a-z]([a-z ]*[a-z])?\.com$/);
      assert.match(p.creditCard, /^\d{4} \d{4} \d{4} \d{4}$/);
      assert.ok(['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'].includes(p.state));
    }
    for (const a of auctions) {
      assert.ok(a.category >= 10n && a.category <= 14n);
      assert.ok(a.reserve > a.initialBid && a.initialBid >= 100n && a.initialBid <= 100_000_000n);
      assert.ok(a.expires.getTime() > a.dateTime.getTime());
      assert.ok(a.itemName.length < 20 && a.description.length < 100);
    }
    const lastPerson = 1000n + BigInt(people.length);
    for (const b of bids) {
      assert.ok(b.price >= 100n && b.price <= 100_000_000n);
      assert.ok(b.bidder >= 1000n && b.bidder <= lastPerson + 10n, `bidder ${b.bidder} within the people and the lead of 10`);
      assert.match(b.url, /^https:\/\/www\.nexmark\.com\/[a-z_]+\/[a-z_]+\/[a-z_]+\/item\.htm\?query=1(&channel_id=-?\d+)?$/);
      // A bid is 32 bytes plus an extra averaging 100 - 32 = 68 bytes, ±20%.
      assert.ok(b.extra.length >= 54 && b.extra.length < 82, `extra of ${b.extra.length} bytes`);
    }
    const hot = (n: number, all: number): number => n / all;
    // Half the bids go to a hot auction (hotAuctionRatio 2), 3/4 come from hot bidders (hotBiddersRatio 4).
    assert.ok(hot(bids.filter((b) => (b.auction - 1000n) % 100n === 0n).length, bids.length) > 0.45);
    assert.ok(hot(bids.filter((b) => (b.bidder - 1000n) % 100n === 1n).length, bids.length) > 0.7);
    assert.ok(hot(bids.filter((b) => ['Google', 'Facebook', 'Baidu', 'Apple'].includes(b.channel)).length, bids.length) > 0.45);
    assert.ok(bids.some((b) => /^channel-\d+$/.test(b.channel) && b.url.includes('&channel_id=')));
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const a = (await events({ 'events.num': '500', seed: '7' })).map(eventKey);
    const b = (await events({ 'events.num': '500', seed: '7' })).map(eventKey);
    const c = (await events({ 'events.num': '500', seed: '8' })).map(eventKey);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('splits the stream between subtasks: parallelism 2 and 3 give the same events as parallelism 1', async () => {
    const options = { 'events.num': '1001', 'out-of-orderness': '50 ms', 'first-event.rate': '1000', 'next-event.rate': '1000' };
    const serial = (await events(options)).map(eventKey).sort();
    assert.equal(serial.length, 1001);
    for (const p of [2, 3]) {
      const parallel = (await allEvents(options, p)).map(eventKey).sort();
      assert.deepEqual(parallel, serial, `parallelism ${p}`);
    }
    // Batch boundaries do not matter either.
    assert.deepEqual((await events(options, 0, 1, '7')).map(eventKey).sort(), serial);
  });

  it('keeps every event within out-of-orderness of the latest earlier one, and in order without it', async () => {
    const lateness = async (options: Record<string, string>, index = 0, p = 1): Promise<number> => {
      let max = -Infinity, worst = 0;
      for (const e of await events(options, index, p)) {
        const t = eventTime(e);
        worst = Math.max(worst, max - t);
        max = Math.max(max, t);
      }
      return worst;
    };
    const rate = { 'events.num': '3000', 'first-event.rate': '1000', 'next-event.rate': '1000' };
    assert.equal(await lateness(rate), 0);
    const late = await lateness({ ...rate, 'out-of-orderness': '200 ms' });
    assert.ok(late > 100 && late <= 200, `worst lateness ${late} ms`);
    assert.ok(await lateness({ ...rate, 'out-of-orderness': '200 ms' }, 1, 2) <= 200);
  });

  it('ends after events.num events over all subtasks; events.num 0 or unset is unbounded', async () => {
    const counts = await Promise.all([0, 1, 2].map(async (i) => (await events({ 'events.num': '1000' }, i, 3, '64')).length));
    assert.deepEqual(counts, [334, 333, 333]);
    assert.equal(nexmarkSource.isBounded({ 'events.num': '10' }), true);
    assert.equal(nexmarkSource.isBounded({ 'events.num': '0' }), false);
    assert.equal(nexmarkSource.isBounded({}), false);
    const r = reader({}, 0, 1, '100');
    for (let i = 0; i < 3; i++) assert.equal((await r.next() as { numRows: number }).numRows, 100);
    await r.close();
    assert.equal(await r.next(), null);
  });

  it('reports its position and replays from it', async () => {
    const options = { 'events.num': '1000' };
    const first = reader(options, 1, 2, '128');
    await first.next();
    await first.next();
    const position = first.snapshotPosition();
    assert.deepEqual(position, { splits: [{ next: 1 + 256 * 2, stride: 2 }] });
    const rest = (await drain(first)).map((b) => b.numRows).reduce((x, y) => x + y, 0);
    const resumed = nexmarkSource.createReader(options, NEXMARK_SCHEMA, { ...context(1, 2, { 'table.exec.batch-size': '128' }), restoredPositions: [{ splits: [{ next: 0, stride: 2 }] }, position] });
    const again = await drain(resumed);
    assert.equal(again.reduce((n, b) => n + b.numRows, 0), rest);
    const all = await events(options, 1, 2, '128');
    const replayed = again.flatMap((b) => rowsFromBatch(b, NEXMARK_SCHEMA));
    assert.deepEqual(replayed, all.slice(256).map((e) => [e.type, e.person, e.auction, e.bid]));
  });

  it('resumes from positions at another parallelism, and from positions of an older version', async () => {
    const options = { 'events.num': '600' };
    const restored = (positions: unknown[], p: number) => Promise.all(Array.from({ length: p }, async (_, i) =>
      (await drain(nexmarkSource.createReader(options, NEXMARK_SCHEMA, { ...context(i, p, { 'table.exec.batch-size': '100' }), restoredPositions: positions })))
        .flatMap((b) => rowsFromBatch(b, NEXMARK_SCHEMA))));
    const key = (r: unknown[]) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? String(v) : v));
    const all = (await events(options)).map((e) => [e.type, e.person, e.auction, e.bid]);
    // Subtask 0 of 2 emitted 100 events (0, 2, ..., 198), subtask 1 none: 500 events are left.
    const first = reader(options, 0, 2, '100');
    await first.next();
    const positions = [first.snapshotPosition(), { splits: [{ next: 1, stride: 2 }] }];
    const left = all.filter((_, n) => n % 2 === 1 || n >= 200);
    for (const p of [1, 3, 4]) {
      const parts = await restored(positions, p);
      assert.deepEqual(parts.flat().map(key).sort(), left.map(key).sort(), `parallelism ${p}`);
      // The unfinished splits are cut so that every subtask gets its share.
      const counts = parts.map((x) => x.length);
      assert.ok(Math.max(...counts) - Math.min(...counts) <= 100, `parallelism ${p}: ${counts}`);
    }
    // A subtask merges its splits in the order of the stream: its event times never go back, so no row of it is behind
    // its own watermark, nor behind the minimum over subtasks downstream (no row is late because of the rescale).
    const time = (r: unknown[]) => ((r[1] ?? r[2] ?? r[3]) as { dateTime: Date }).dateTime.getTime();
    for (const p of [1, 3, 4]) {
      for (const part of await restored(positions, p)) assert.ok(part.every((r, i) => i === 0 || time(r) >= time(part[i - 1])), `parallelism ${p}`);
    }
    // With out-of-orderness, a restored subtask's events lag its latest earlier one by no more than the bound.
    const ooo = { ...options, 'events-per-second': '1000', 'out-of-orderness': '20 ms' };
    for (const i of [0, 1, 2]) {
      const reader = nexmarkSource.createReader(ooo, NEXMARK_SCHEMA, { ...context(i, 3, { 'table.exec.batch-size': '100' }), restoredPositions: positions });
      let max = -Infinity;
      for (const row of (await drain(reader)).flatMap((b) => rowsFromBatch(b, NEXMARK_SCHEMA))) {
        assert.ok(time(row) >= max - 20, `subtask ${i}: ${time(row)} after ${max}`);
        max = Math.max(max, time(row));
      }
    }
    // An older version recorded events emitted per subtask: { emitted: 100 } of subtask 0 of 2 is the same position.
    const old = await restored([{ emitted: 100 }, { emitted: 0 }], 3);
    assert.deepEqual(old.flat().map(key).sort(), left.map(key).sort());
    assert.throws(() => nexmarkSource.createReader(options, NEXMARK_SCHEMA, { ...context(0, 2), restoredPositions: [{ emitted: -1 }, {}] }),
      (e: unknown) => (e as { code?: string }).code === 'RESTORE_FAILED' && /Nexmark subtask 0/.test((e as Error).message));
  });

  it('with rate.limited, emits events no sooner than they are due', async () => {
    const started = performance.now();
    const evs = await events({ 'events.num': '200', 'first-event.rate': '2000', 'next-event.rate': '2000', 'rate.limited': 'true' });
    assert.equal(evs.length, 200);
    // The last event is due 200 / 2000 s = 100 ms after the first.
    assert.ok(performance.now() - started >= 90, `took ${performance.now() - started} ms`);
  });

  it('accepts a subset of the columns and fields, in any order', async () => {
    const schema = new Schema([
      { name: 'bid', type: T('ROW<price BIGINT, auction BIGINT>') },
      { name: 'event_type', type: T('INT') },
    ]);
    nexmarkSource.validateSource({ 'events.num': '60' }, schema);
    const batches = await drain(nexmarkSource.createReader({ 'events.num': '60' }, schema, context()));
    const rows = batches.flatMap((b) => b.data.toArray().map((r) => r.toJSON()));
    assert.equal(rows.length, 60);
    const bid = rows.find((r) => r.event_type === 2)!.bid as { price: bigint; auction: bigint };
    assert.deepEqual(Object.keys(bid), ['price', 'auction']);
  });

  it('rejects bad options and schemas with the option or column named', () => {
    const fails = (options: Record<string, string>, code: string, text: RegExp, schema = NEXMARK_SCHEMA): void => {
      assert.throws(() => nexmarkSource.validateSource(options, schema), (e: unknown) => e instanceof ConnectorError && e.code === code && text.test(e.message));
    };
    fails({ 'events.numb': '1' }, 'CONNECTOR_OPTION', /events\.numb/);
    fails({ 'first-event.rate': '10', 'next-event.rate': '20' }, 'CONNECTOR_OPTION', /next-event\.rate/);
    fails({ 'first-event.rate': '10', 'events-per-second': '20' }, 'CONNECTOR_OPTION', /events-per-second/);
    fails({ 'person.proportion': '0' }, 'CONNECTOR_OPTION', /person\.proportion/);
    fails({ 'out-of-orderness': 'soon' }, 'CONNECTOR_OPTION', /out-of-orderness/);
    fails({ 'rate.limited': 'yes' }, 'CONNECTOR_OPTION', /rate\.limited/);
    fails({}, 'SCHEMA_MISMATCH', /'bid\.price' must be BIGINT/, new Schema([{ name: 'bid', type: T('ROW<price STRING>') }]));
    fails({}, 'SCHEMA_MISMATCH', /'bids'/, new Schema([{ name: 'bids', type: T('ROW<price BIGINT>') }]));
    fails({}, 'SCHEMA_MISMATCH', /no field 'cost'/, new Schema([{ name: 'bid', type: T('ROW<cost BIGINT>') }]));
  });
});
