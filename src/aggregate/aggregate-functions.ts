/**
 * Aggregate function definitions for planning: names, accepted signatures and result types (Flink's type inference).
 * The runtime side (accumulators) lives in `accumulators/` and is looked up by the same canonical name, so the SQL
 * planner can import this module without pulling in operator code.
 */
import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import {
  formatDataType, isNumericType, notNull, withNullable, type DataType, type TypeKind,
} from '../types/data-type.ts';

/** What the planner needs to know about one aggregate function. */
export interface AggregateFunctionDefinition {
  /** Canonical upper-case name, as it appears in `AggregateCall.fn`. */
  readonly name: string;
  /** Human-readable accepted signatures, shown in FUNCTION_SIGNATURE errors, e.g. `SUM(<NUMERIC>)`. */
  readonly signatures: readonly string[];
  /** The result type for these argument types, or null when the arguments do not match any signature. */
  inferType(argTypes: readonly DataType[], distinct: boolean): DataType | null;
}

const registry = new Map<string, AggregateFunctionDefinition>();

/** Adds a definition (built-ins below; a UDAF layer can add more). Throws PlanError FUNCTION_SIGNATURE on a duplicate. */
export function registerAggregateFunction(def: AggregateFunctionDefinition): void {
  const key = def.name.toUpperCase();
  if (registry.has(key)) {
    throw new PlanError(`Aggregate function '${key}' is already registered`, {}, ErrorCodes.FUNCTION_SIGNATURE);
  }
  registry.set(key, def);
}

/** Whether `name` (any case) is a known aggregate function. */
export function isAggregateFunction(name: string): boolean {
  return registry.has(name.toUpperCase());
}

/** The definition of `name` (any case), or undefined. */
export function getAggregateFunction(name: string): AggregateFunctionDefinition | undefined {
  return registry.get(name.toUpperCase());
}

/**
 * Resolves an aggregate call: its canonical name and result type. Throws PlanError FUNCTION_NOT_FOUND for an unknown
 * name and FUNCTION_SIGNATURE (listing the accepted signatures) when the argument types do not fit.
 */
export function resolveAggregate(name: string, argTypes: readonly DataType[], distinct: boolean): { fn: string; type: DataType } {
  const def = getAggregateFunction(name);
  if (def === undefined) {
    throw new PlanError(`No aggregate function named '${name}'`, {
      hint: `Known aggregate functions: ${[...registry.keys()].sort().join(', ')}.`,
    }, ErrorCodes.FUNCTION_NOT_FOUND);
  }
  const type = def.inferType(argTypes, distinct);
  if (type === null) {
    const call = `${def.name}(${distinct ? 'DISTINCT ' : ''}${argTypes.map((t) => formatDataType(t)).join(', ')})`;
    throw new PlanError(`Cannot apply aggregate function ${def.name} to the arguments: ${call}`, {
      hint: `Expected ${def.signatures.join(' or ')}.`,
    }, ErrorCodes.FUNCTION_SIGNATURE);
  }
  return { fn: def.name, type };
}

// ---- built-in definitions (Flink's FlinkSqlOperatorTable / LogicalTypeMerging) ----

/** Types MIN/MAX can order: everything scalar (Flink's MinAggFunction/MaxAggFunction variants). */
const COMPARABLE = new Set<TypeKind>([
  'BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL', 'STRING', 'BYTES',
  'DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMP_LTZ',
]);

const single = (argTypes: readonly DataType[]): DataType | null => (argTypes.length === 1 ? argTypes[0] : null);

/** Flink's FlinkTypeSystem.deriveSumType: DECIMAL(p, s) widens to DECIMAL(38, s); other numerics keep their type. */
function sumType(t: DataType): DataType | null {
  if (!isNumericType(t)) return null;
  return t.kind === 'DECIMAL' ? { kind: 'DECIMAL', nullable: true, precision: 38, scale: t.scale } : withNullable(t, true);
}

/** Flink's LogicalTypeMerging.findAvgAggType: DECIMAL → DECIMAL(38, max(s, 6)); others keep their type (int division). */
function avgType(t: DataType): DataType | null {
  if (!isNumericType(t)) return null;
  return t.kind === 'DECIMAL'
    ? { kind: 'DECIMAL', nullable: true, precision: 38, scale: Math.max(t.scale, 6) }
    : withNullable(t, true);
}

const BIGINT_NOT_NULL: DataType = notNull({ kind: 'BIGINT', nullable: true });

const BUILTINS: AggregateFunctionDefinition[] = [
  {
    // COUNT(*) has no arguments; COUNT(a, b, ...) counts rows where every argument is non-NULL (Flink/Calcite).
    name: 'COUNT',
    signatures: ['COUNT(*)', 'COUNT(<ANY>, ...)'],
    inferType: (args, distinct) => (distinct && args.length === 0 ? null : BIGINT_NOT_NULL),
  },
  {
    name: 'SUM',
    signatures: ['SUM(<NUMERIC>)'],
    inferType: (args) => { const t = single(args); return t && sumType(t); },
  },
  {
    // Flink's internal $SUM0: SUM that returns 0 instead of NULL for an empty group.
    name: 'SUM0',
    signatures: ['SUM0(<NUMERIC>)'],
    inferType: (args) => { const t = single(args); const r = t && sumType(t); return r && notNull(r); },
  },
  {
    name: 'AVG',
    signatures: ['AVG(<NUMERIC>)'],
    inferType: (args) => { const t = single(args); return t && avgType(t); },
  },
  ...['MIN', 'MAX'].map((name): AggregateFunctionDefinition => ({
    name,
    signatures: [`${name}(<COMPARABLE>)`],
    inferType: (args) => { const t = single(args); return t && COMPARABLE.has(t.kind) ? withNullable(t, true) : null; },
  })),
  ...['FIRST_VALUE', 'LAST_VALUE'].map((name): AggregateFunctionDefinition => ({
    name,
    signatures: [`${name}(<ANY>)`],
    inferType: (args) => { const t = single(args); return t && t.kind !== 'NULL' ? withNullable(t, true) : null; },
  })),
  {
    // LISTAGG(expr [, separator]); the separator defaults to ',' (Flink's ListAggFunction).
    name: 'LISTAGG',
    signatures: ['LISTAGG(<STRING>)', 'LISTAGG(<STRING>, <STRING>)'],
    inferType: (args) => ((args.length === 1 || args.length === 2) && args.every((t) => t.kind === 'STRING')
      ? { kind: 'STRING', nullable: true } : null),
  },
];

for (const def of BUILTINS) registerAggregateFunction(def);
