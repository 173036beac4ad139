import type * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import { compileExpression, compilePredicate } from '../../expr/index.ts';
import type { CalcNode } from '../../plan/physical/physical-node.ts';
import { Schema } from '../../types/schema.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { takeRows } from '../partition/take-rows.ts';

/** Filter then projection, evaluated a batch at a time; input-column projections reuse the input vectors. */
export class CalcOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private readonly outputSchema: arrow.Schema;
  private readonly predicate;
  private readonly projections;

  constructor(node: CalcNode) {
    const input = inputSchemaOf(node);
    this.outputSchema = Schema.fromJSON([...node.outputSchema]).toArrow();
    this.predicate = node.condition ? compilePredicate(node.condition, input) : null;
    this.projections = node.projections.map((p) => compileExpression(p, input));
  }

  async open(ctx: OperatorContext): Promise<void> { this.ctx = ctx; }

  async processBatch(batch: ChangeBatch): Promise<void> {
    let rows = batch;
    if (this.predicate) {
      const selected = this.predicate.select(batch.data);
      if (selected.length === 0) return;
      if (selected.length < batch.numRows) rows = takeRows(batch, selected);
    }
    const columns = this.projections.map((p) => p.evaluate(rows.data));
    await this.ctx.output.emit(rows.withColumns(this.outputSchema, columns));
  }

  async close(): Promise<void> {}
}

/**
 * The input schema a calc was planned against. Expressions carry their own types and input indexes, so a schema
 * with the right types at the referenced positions is enough for compilation.
 */
function inputSchemaOf(node: CalcNode): Schema {
  return Schema.fromJSON([...node.inputSchema]);
}
