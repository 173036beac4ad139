import { PlanError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import { formatDataType, withNullable, type DataType } from '../types/data-type.ts';
import type { Schema } from '../types/schema.ts';
import type { FunctionDefinition } from '../udf/function-definition.ts';
import { tableColumnsOf } from '../udf/table-function.ts';
import { canCast } from './cast/rules.ts';
import type { BoundExpression, Expression } from './expression.ts';
import { formatExpression } from './format.ts';
import './functions/index.ts';
import { lookupBuiltin, registeredNames, type ArgInfo } from './functions/registry.ts';
import { implicitlyCastable, sameType } from './types/coercion.ts';
import { toInternal } from './types/js-values.ts';
import { inferLiteralType } from './types/literal.ts';
import { editDistance } from '../util/edit-distance.ts';

/** Finds a catalog (user) function by name; the catalog decides how names match. */
export type FunctionLookup = (name: string) => FunctionDefinition | undefined;

/**
 * Binds an expression to an input schema: columns become indexes, every node gets its type, implicit coercions
 * become explicit casts, and calls resolve to built-ins or catalog functions (a catalog function shadows a built-in
 * of the same name, case-insensitively). Raises PlanError with COLUMN_NOT_FOUND, FUNCTION_NOT_FOUND,
 * FUNCTION_SIGNATURE or TYPE_MISMATCH.
 */
export function resolveExpression(expr: Expression, schema: Schema, functions: FunctionLookup = () => undefined): BoundExpression {
  return new Resolver(schema, functions).resolve(expr);
}

class Resolver {
  constructor(private readonly schema: Schema, private readonly functions: FunctionLookup) {}

  resolve(expr: Expression): BoundExpression {
    switch (expr.kind) {
      case 'column': {
        const index = this.schema.resolve(expr.name);
        return { kind: 'input', index, type: this.schema.columns[index].type };
      }
      case 'literal': {
        const type = expr.type ?? inferLiteralType(expr.value);
        toInternal(expr.value, type); // validates the value against its type now, not when data flows
        const nullable = expr.value === null || expr.value === undefined ? true : type.nullable;
        return { kind: 'literal', value: expr.value ?? null, type: withNullable(type, nullable) };
      }
      case 'alias':
        return this.resolve(expr.expr);
      case 'cast': {
        const arg = this.resolve(expr.expr);
        if (!canCast(arg.type, expr.type)) {
          throw new PlanError(
            `Cannot cast ${formatExpression(expr.expr)} of type ${formatDataType(arg.type, true)} to ${formatDataType(expr.type, true)}`,
            { hint: castHint(arg.type, expr.type) }, ErrorCodes.TYPE_MISMATCH);
        }
        const tryCast = expr.tryCast === true;
        return { kind: 'cast', arg, type: withNullable(expr.type, tryCast || arg.type.nullable), tryCast };
      }
      case 'call':
        return this.resolveCall(expr);
    }
  }

  private resolveCall(expr: Extract<Expression, { kind: 'call' }>): BoundExpression {
    const args = expr.args.map((a) => this.resolve(a));
    const udf = this.functions(expr.name) ?? this.functions(expr.name.toLowerCase()) ?? this.functions(expr.name.toUpperCase());
    if (udf) return this.bindUdf(udf, args, expr);
    const def = lookupBuiltin(expr.name);
    if (!def) {
      const near = closeNames(expr.name);
      throw new PlanError(`No function named '${expr.name}'${near.length ? `; did you mean ${near.join(', ')}?` : ''}`, {
        hint: 'Register user functions with createTemporarySystemFunction(); SHOW FUNCTIONS lists the built-ins.',
      }, ErrorCodes.FUNCTION_NOT_FOUND);
    }
    const infos: ArgInfo[] = args.map((a) => (a.kind === 'literal' ? { type: a.type, literal: { value: toInternal(a.value, a.type) } } : { type: a.type }));
    const inferred = def.infer(infos);
    if (!inferred) {
      throw new PlanError(
        `Invalid arguments for ${def.names[0]}: got (${args.map((a) => formatDataType(a.type)).join(', ')}) in ${formatExpression(expr)}; expected ${def.signatures.join(' or ')}`,
        { hint: 'Cast the arguments explicitly, e.g. CAST(x AS DOUBLE).' }, ErrorCodes.FUNCTION_SIGNATURE);
    }
    const bound = args.map((a, i) => coerceTo(a, inferred.args[i]));
    return { kind: 'call', name: def.names[0], args: bound, type: inferred.result };
  }

  /** `f(args)` of a catalog table function (LATERAL TABLE, joinLateral): its arguments bound and coerced. */
  bindTableCall(expr: Extract<Expression, { kind: 'call' }>, fn: FunctionDefinition): { fn: FunctionDefinition; args: readonly BoundExpression[] } {
    const bound = this.bindUdf(fn, expr.args.map((a) => this.resolve(a)), expr, true);
    return { fn, args: (bound as Extract<BoundExpression, { kind: 'udf' }>).args };
  }

  private bindUdf(fn: FunctionDefinition, args: BoundExpression[], expr: Expression, asTable = false): BoundExpression {
    if (fn.kind === 'table' && !asTable) {
      throw new PlanError(`Table function ${fn.name} cannot be called in an expression: ${formatExpression(expr)}`, {
        hint: `Join with its rows in FROM: FROM t, LATERAL TABLE(${fn.name}(...)) AS T(a, b) in SQL, or table.joinLateral(call('${fn.name}', ...)) in the Table API.`,
      }, ErrorCodes.PLAN_INVALID);
    }
    if (fn.kind === 'aggregate') {
      throw new PlanError(`Aggregate function ${fn.name} is not allowed here: ${formatExpression(expr)}`, {
        hint: 'Call user-defined aggregate functions in the select list or HAVING of a GROUP BY (or a window aggregation), not in row-by-row expressions.',
      }, ErrorCodes.PLAN_INVALID);
    }
    const declared = fn.inputTypes;
    if (declared) {
      const ok = declared.length === args.length && args.every((a, i) => implicitlyCastable(a.type, declared[i]));
      if (!ok) {
        throw new PlanError(
          `Invalid arguments for function ${fn.name}: got (${args.map((a) => formatDataType(a.type)).join(', ')}) in ${formatExpression(expr)}; expected (${declared.map((t) => formatDataType(t)).join(', ')})`,
          { hint: 'Cast the arguments to the declared input types.' }, ErrorCodes.FUNCTION_SIGNATURE);
      }
      args = args.map((a, i) => coerceTo(a, withNullable(declared[i], a.type.nullable)));
    }
    return { kind: 'udf', fn, args, type: fn.resultType };
  }
}

/**
 * Resolves the call of a table function, `f(args)` (optionally aliased, `f(x).as('a', 'b')`), against `schema`:
 * the function from the catalog and its arguments bound and coerced to its declared input types. Raises
 * FUNCTION_NOT_FOUND, FUNCTION_SIGNATURE (not a table function, bad arguments) or the argument's own errors.
 */
export function resolveTableFunctionCall(expr: Expression, schema: Schema, functions: FunctionLookup): { fn: FunctionDefinition; args: readonly BoundExpression[] } {
  const call = expr.kind === 'alias' ? expr.expr : expr;
  if (call.kind !== 'call') {
    throw new PlanError(`A lateral table needs a table function call such as split(col), got ${formatExpression(call)}`, {}, ErrorCodes.PLAN_INVALID);
  }
  const fn = functions(call.name) ?? functions(call.name.toLowerCase()) ?? functions(call.name.toUpperCase());
  if (!fn) {
    throw new PlanError(`No table function named '${call.name}'`, {
      hint: "Register it first: env.createPythonFunction(name, 'file.py:attr') for a udtf, or createTypeScriptFunction for a tableFunction(...).",
    }, ErrorCodes.FUNCTION_NOT_FOUND);
  }
  tableColumnsOf(fn, `${formatExpression(call)} in a lateral table`);
  return new Resolver(schema, functions).bindTableCall(call, fn);
}

/** Wraps an argument in an implicit cast when its type differs from the target (NULL literals are simply retyped). */
function coerceTo(arg: BoundExpression, target: DataType): BoundExpression {
  if (sameType(arg.type, target)) return arg;
  if (arg.kind === 'literal' && arg.value === null) return { kind: 'literal', value: null, type: withNullable(target, true) };
  return { kind: 'cast', arg, type: withNullable(target, arg.type.nullable), tryCast: false };
}

function castHint(from: DataType, to: DataType): string {
  if ((from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ') && /INT|DECIMAL|DOUBLE|FLOAT/.test(to.kind)) return 'Use UNIX_TIMESTAMP() to get epoch seconds.';
  if ((to.kind === 'TIMESTAMP' || to.kind === 'TIMESTAMP_LTZ') && /INT|DECIMAL|DOUBLE|FLOAT/.test(from.kind)) return 'Use TO_TIMESTAMP_LTZ(epoch, precision) or FROM_UNIXTIME().';
  return 'See the CAST section of the docs for supported conversions.';
}

/** Built-in names within edit distance 2 (or sharing a prefix) of the requested name. */
function closeNames(name: string): string[] {
  const n = name.toUpperCase();
  return registeredNames()
    .map((c) => ({ c, d: editDistance(n, c) }))
    .filter(({ c, d }) => d <= 2 || (n.length >= 3 && (c.startsWith(n) || n.startsWith(c) && c.length >= 3)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 5)
    .map(({ c }) => c);
}

