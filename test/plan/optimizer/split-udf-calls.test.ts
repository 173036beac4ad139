import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BoundExpression } from '../../../src/expr/expression.ts';
import type { LogicalCalc, LogicalNode, LogicalUdfCall } from '../../../src/plan/logical/logical-node.ts';
import { splitUdfCalls } from '../../../src/plan/optimizer/split-udf-calls.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import type { FunctionDefinition } from '../../../src/udf/function-definition.ts';

const D = DataTypes.DOUBLE();
const S = DataTypes.STRING();
const py = (name: string, type = D): FunctionDefinition => ({ language: 'python', name, path: `m.py:${name}`, kind: 'scalar', funcType: 'pandas', inputTypes: null, resultType: type, deterministic: true });
const ts = (name: string): FunctionDefinition => ({ language: 'typescript', name, modulePath: '/x.ts', exportName: name, kind: 'scalar', inputTypes: null, resultType: D, deterministic: true });
const input = (index: number, type = D): BoundExpression => ({ kind: 'input', index, type });
const udf = (fn: FunctionDefinition, ...args: BoundExpression[]): BoundExpression => ({ kind: 'udf', fn, args, type: fn.resultType });
const call = (name: string, ...args: BoundExpression[]): BoundExpression => ({ kind: 'call', name, args, type: args[0].type });

const source: LogicalNode = { kind: 'values', schema: Schema.of({ a: D, b: D, s: S }), rows: [] };

function calc(projections: BoundExpression[], condition: BoundExpression | null = null): LogicalCalc {
  return { kind: 'calc', input: source, condition, projections, schema: new Schema(projections.map((p, i) => ({ name: `o${i}`, type: p.type }))) };
}

/** The chain of nodes from the top down to the source, as kinds. */
function kinds(n: LogicalNode): string[] {
  const out: string[] = [];
  for (let x: LogicalNode = n; ; x = (x as LogicalCalc).input) {
    out.push(x.kind);
    if (x.kind === 'values') return out;
  }
}

describe('splitUdfCalls', () => {
  it('leaves a calc without UDFs alone', () => {
    const c = calc([call('+', input(0), input(1))]);
    assert.equal(splitUdfCalls(c), c);
  });

  it('ships only argument columns and projects results in a final calc', () => {
    const out = splitUdfCalls(calc([input(2, S), udf(py('f'), input(1), input(0))])) as LogicalCalc;
    assert.deepEqual(kinds(out), ['calc', 'udf-call', 'values']);
    const call = out.input as LogicalUdfCall;
    assert.deepEqual(call.program.argColumns, [1, 0]);
    assert.deepEqual(call.program.steps[0].args, [{ col: 0 }, { col: 1 }]);
    assert.deepEqual(call.program.outputs, [0]);
    assert.deepEqual(out.projections[1], { kind: 'input', index: 3, type: D });
    assert.equal(call.schema.length, 4);
  });

  it('chains directly nested UDFs of one language into one request', () => {
    const f = py('f');
    const g = py('g');
    const out = splitUdfCalls(calc([udf(f, udf(g, input(0)))])) as LogicalCalc;
    assert.deepEqual(kinds(out), ['calc', 'udf-call', 'values']);
    const program = (out.input as LogicalUdfCall).program;
    assert.deepEqual(program.steps.map((s) => s.fn.name), ['g', 'f']);
    assert.deepEqual(program.steps[1].args, [{ step: 0 }]);
    assert.deepEqual(program.outputs, [1], 'only the outer result is shipped back');
  });

  it('puts consecutive UDFs of one projection in one request', () => {
    const out = splitUdfCalls(calc([udf(py('f'), input(0)), udf(py('g'), input(1)), udf(py('h'), input(0))])) as LogicalCalc;
    assert.deepEqual(kinds(out), ['calc', 'udf-call', 'values']);
    const program = (out.input as LogicalUdfCall).program;
    assert.equal(program.steps.length, 3);
    assert.deepEqual(program.outputs, [0, 1, 2]);
    assert.deepEqual(program.argColumns, [0, 1]);
  });

  it('computes built-in arguments in a pre-calc and stages a UDF over a built-in over a UDF', () => {
    const out = splitUdfCalls(calc([udf(py('f'), call('+', udf(py('g'), input(0)), input(1)))])) as LogicalCalc;
    assert.deepEqual(kinds(out), ['calc', 'udf-call', 'calc', 'udf-call', 'values']);
    const outer = out.input as LogicalUdfCall;
    const pre = outer.input as LogicalCalc;
    const inner = pre.input as LogicalUdfCall;
    assert.equal(inner.program.steps[0].fn.name, 'g');
    assert.equal(outer.program.steps[0].fn.name, 'f');
    // The pre-calc forwards every column and appends g(a) + b.
    assert.equal(pre.projections.length, inner.schema.length + 1);
    assert.deepEqual(outer.program.argColumns, [inner.schema.length]);
  });

  it('separates Python and TypeScript UDFs into their own operators', () => {
    const out = splitUdfCalls(calc([udf(py('f'), input(0)), udf(ts('t'), input(1))])) as LogicalCalc;
    assert.deepEqual(kinds(out), ['calc', 'udf-call', 'udf-call', 'values']);
    assert.equal((out.input as LogicalUdfCall).program.language, 'typescript');
    assert.equal(((out.input as LogicalUdfCall).input as LogicalUdfCall).program.language, 'python');
  });

  it('sends plain literals as constants, not columns', () => {
    const lit: BoundExpression = { kind: 'literal', value: 2.5, type: D };
    const out = splitUdfCalls(calc([udf(py('f'), input(0), lit)])) as LogicalCalc;
    const program = (out.input as LogicalUdfCall).program;
    assert.deepEqual(program.steps[0].args, [{ col: 0 }, { lit: 2.5, type: D }]);
  });

  it('rewrites a filter condition that calls a UDF', () => {
    const cond: BoundExpression = { kind: 'call', name: '>', args: [udf(py('f'), input(0)), input(1)], type: DataTypes.BOOLEAN() };
    const out = splitUdfCalls(calc([input(0)], cond)) as LogicalCalc;
    assert.deepEqual(kinds(out), ['calc', 'udf-call', 'values']);
    assert.deepEqual((out.condition as unknown as { args: BoundExpression[] }).args[0], { kind: 'input', index: 3, type: D });
  });
});
