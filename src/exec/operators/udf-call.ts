import type * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import type { UdfCallNode } from '../../plan/physical/physical-node.ts';
import type { UdfBackend, UdfBackendContext, UdfEvalResult } from '../../udf/udf-backend.ts';
import { udfBackend } from '../../udf/udf-backends.ts';
import type { StreamOperator } from '../operator.ts';
import { BundledUdfOperator } from './bundled-udf-operator.ts';
import type { Bundle } from './udf-bundles.ts';

/**
 * Builds the operator that appends the results of a UDF program (Python or TypeScript backend) to its input rows.
 *
 * Rows are buffered into requests of `python.fn-execution.arrow.batch.size` rows (big batches are sliced, small ones
 * concatenated; only `program.argColumns` are shipped). A request goes out when full, `python.fn-execution.bundle.time`
 * ms after its first row arrived, or at once while fewer than `python.fn-execution.bundle.eager-in-flight` requests
 * are in flight (waiting for a full bundle only pays when the workers are busy anyway). Up to `backend.capacity`
 * requests (and at most `python.fn-execution.bundle.size` rows) are in flight; beyond that `processBatch` waits,
 * which is the backpressure upstream sees. Results are joined to the retained input slices and emitted strictly in
 * submission order, row kinds preserved. Watermarks, snapshots and end of input flush and wait for every request,
 * so a watermark never overtakes rows. The lifecycle is {@link BundledUdfOperator} (bundling by `UdfBundles`),
 * shared with the correlate operator.
 * Metrics: see {@link UdfCallMetrics}.
 */
export function createUdfCallOperator(node: UdfCallNode): StreamOperator {
  return new UdfCallOperator(node);
}

class UdfCallOperator extends BundledUdfOperator<UdfEvalResult, UdfCallNode> {
  protected openBackend(backendCtx: UdfBackendContext): Promise<UdfBackend> {
    return udfBackend(this.node.program.language).open(this.node.program, backendCtx);
  }

  /** One output batch per retained input slice: its columns followed by its range of the result columns. */
  protected async emit(bundle: Bundle<UdfEvalResult>, result: UdfEvalResult): Promise<void> {
    let offset = 0;
    for (const piece of bundle.pieces) {
      const n = piece.numRows;
      const columns = [...piece.data.data.children, ...result.columns.map((r) => r.slice(offset, n))];
      await this.ctx.output.emit(ChangeBatch.fromColumns(this.outSchema, columns, n, piece.kinds));
      offset += n;
    }
    this.metrics.recordEmitted(bundle.rows, performance.now() - bundle.arrivedAt);
  }
}
