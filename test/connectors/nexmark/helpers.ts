import { nexmarkSource } from '../../../src/connectors/index.ts';
import { NEXMARK_COLUMNS } from '../../../src/connectors/nexmark/index.ts';
import type { NexmarkReader } from '../../../src/connectors/nexmark/reader.ts';
import { rowsFromBatch } from '../../../src/batch/values/index.ts';
import { Schema } from '../../../src/types/schema.ts';
import { context, drain } from '../helpers.ts';

/** The standard nexmark table schema: event_type, person, auction, bid. */
export const NEXMARK_SCHEMA = new Schema(NEXMARK_COLUMNS);

export type Person = { id: bigint; name: string; emailAddress: string; creditCard: string; city: string; state: string; dateTime: Date; extra: string };
export type Auction = { id: bigint; itemName: string; description: string; initialBid: bigint; reserve: bigint; dateTime: Date; expires: Date; seller: bigint; category: bigint; extra: string };
export type Bid = { auction: bigint; bidder: bigint; price: bigint; channel: string; url: string; dateTime: Date; extra: string };

/** One event as the table row it is: its type and the one non-null row among person, auction and bid. */
export interface Event {
  readonly type: number;
  readonly person: Person | null;
  readonly auction: Auction | null;
  readonly bid: Bid | null;
}

/** The event time of an event (the DDL's computed `dateTime`). */
export const eventTime = (e: Event): number => (e.person ?? e.auction ?? e.bid)!.dateTime.getTime();

/** A reader of subtask `index` of `parallelism` over the standard schema. */
export function reader(options: Record<string, string>, index = 0, parallelism = 1, batchSize = '4096'): NexmarkReader {
  nexmarkSource.validateSource(options, NEXMARK_SCHEMA);
  return nexmarkSource.createReader(options, NEXMARK_SCHEMA, context(index, parallelism, { 'table.exec.batch-size': batchSize })) as NexmarkReader;
}

/** Every event one subtask emits, in order. */
export async function events(options: Record<string, string>, index = 0, parallelism = 1, batchSize = '4096'): Promise<Event[]> {
  const batches = await drain(reader(options, index, parallelism, batchSize));
  return batches.flatMap((b) => rowsFromBatch(b, NEXMARK_SCHEMA)).map(([type, person, auction, bid]) => ({
    type: type as number, person: person as Person | null, auction: auction as Auction | null, bid: bid as Bid | null,
  }));
}

/** Every event of all `parallelism` subtasks. */
export async function allEvents(options: Record<string, string>, parallelism: number): Promise<Event[]> {
  const parts = await Promise.all(Array.from({ length: parallelism }, (_, i) => events(options, i, parallelism)));
  return parts.flat();
}

/** A canonical text of an event, for multiset comparisons. */
export const eventKey = (e: Event): string => JSON.stringify(e, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
