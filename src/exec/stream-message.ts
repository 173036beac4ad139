import type { ChangeBatch } from '../batch/change-batch.ts';

/**
 * Everything that travels on a channel between tasks. Control messages travel in-band with the data so that their
 * order relative to the rows is exact (a watermark is after every row it covers; a barrier splits the stream into
 * before and after a checkpoint).
 */
export type StreamMessage =
  | { readonly kind: 'batch'; readonly batch: ChangeBatch }
  | { readonly kind: 'watermark'; readonly timestamp: number }
  | { readonly kind: 'barrier'; readonly checkpointId: number; readonly timestamp: number; readonly savepoint: boolean }
  | { readonly kind: 'idle'; readonly idle: boolean }
  | { readonly kind: 'end' };

export const batchMessage = (batch: ChangeBatch): StreamMessage => ({ kind: 'batch', batch });
export const watermarkMessage = (timestamp: number): StreamMessage => ({ kind: 'watermark', timestamp });
export const END_OF_INPUT: StreamMessage = Object.freeze({ kind: 'end' });

/** The watermark that means "no more rows ever": emitted at the end of bounded input so every window fires. */
export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;
