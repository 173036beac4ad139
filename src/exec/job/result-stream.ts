import type { MessagePort } from 'node:worker_threads';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import { InputGate } from '../channel/input-gate.ts';

/**
 * The client end of a collect job: yields result batches as they arrive and grants a credit back only when the
 * consumer asks for the next one, so a slow reader slows the job rather than filling memory.
 */
export async function* resultBatches(port: MessagePort, failed: Promise<unknown>, signal: AbortSignal): AsyncGenerator<ChangeBatch> {
  const gate = new InputGate([{ port, input: 0 }], signal);
  // A failing job must wake a consumer that is waiting for rows; the failure itself is thrown by the caller.
  let failure: unknown = null;
  const stop = failed.then(() => null, (e) => { failure = e; return null; });
  try {
    for (;;) {
      const next = await Promise.race([gate.next(), stop]);
      if (failure) throw failure;
      if (next === null) return;
      const m = next.message;
      if (m.kind === 'batch') {
        yield m.batch;
        gate.release(next.channel);
      } else if (m.kind === 'end') {
        return;
      }
    }
  } finally {
    gate.close();
  }
}
