import type { MessagePort } from 'node:worker_threads';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import { InputGate } from '../channel/input-gate.ts';

/**
 * The client end of a collect job: yields result batches as they arrive and grants a credit back only when the
 * consumer asks for the next one, so a slow reader slows the job rather than filling memory.
 */
export async function* resultBatches(port: MessagePort, failed: Promise<unknown>, signal: AbortSignal): AsyncGenerator<ChangeBatch> {
  const gate = new InputGate([{ port, input: 0 }], signal);
  // A failing or cancelled job must wake a consumer that is waiting for rows; the failure itself is thrown by the
  // caller. A finished job's rows and 'end' are already queued on the port (the collect task sends them before it
  // reports), though not necessarily delivered yet: reading goes on until 'end'.
  let failure: unknown = null;
  const stop = failed.then(
    (r) => ((r as { status?: string } | undefined)?.status === 'FINISHED' ? new Promise<null>(() => {}) : null),
    (e) => { failure = e; return null; },
  );
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
