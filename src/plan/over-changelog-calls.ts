import { PlanError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import type { AggregateCall } from './aggregate-call.ts';
import type { TimeDomain } from './window-spec.ts';

/**
 * What OVER aggregation over an updating input (over-aggregate-changelog.ts) cannot run: it recomputes each touched
 * output row from its frame with the built-in accumulators (user-defined aggregate functions have no such path yet),
 * and orders rows by the values of the ORDER BY column (processing time is no value of a row: a retraction could not
 * find its row's place again).
 */
export function checkChangelogOver(calls: readonly AggregateCall[], timeDomain: TimeDomain): void {
  if (timeDomain === 'processing') {
    throw new PlanError('OVER aggregation over an updating input (e.g. a GROUP BY, an outer join or a Top-N) cannot be ordered by processing time', {
      hint: 'Order the window by an event-time (TIMESTAMP) column, or apply it to an append-only table.',
    }, ErrorCodes.NOT_SUPPORTED);
  }
  const udf = calls.find((c) => c.udf !== undefined);
  if (udf) {
    throw new PlanError(`Aggregate function ${udf.fn} cannot run in an OVER window over an updating input (it contains -U/-D rows): only built-in aggregate functions can`, {
      hint: 'Apply the user-defined aggregate to an append-only input, or use a built-in aggregate (SUM, COUNT, AVG, MIN, MAX, …) here.',
    }, ErrorCodes.NOT_SUPPORTED);
  }
}
