import type { EncodedBatch } from './batch-codec.ts';

/** What travels on a MessagePort between tasks (the wire form of StreamMessage) and the credits coming back. */
export type ChannelMessage =
  | { readonly t: 'batch'; readonly batch: EncodedBatch }
  | { readonly t: 'watermark'; readonly ts: number }
  | { readonly t: 'barrier'; readonly id: number; readonly ts: number; readonly savepoint: boolean }
  | { readonly t: 'idle'; readonly idle: boolean }
  | { readonly t: 'end' };

export type CreditMessage = { readonly t: 'credit'; readonly n: number };
