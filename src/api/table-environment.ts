import { isAbsolute, resolve } from 'node:path';
import { Configuration } from '../config/configuration.ts';
import { CoreOptions } from '../config/options.ts';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import { defaultRegistry } from '../connectors/builtin.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import { ConnectorError, PlanError } from '../errors/errors.ts';
import { JobClient } from '../exec/job/job-client.ts';
import type { LogicalNode } from '../plan/logical/logical-node.ts';
import { optimize } from '../plan/optimizer/optimize.ts';
import { producesUpdates } from '../plan/changelog-mode.ts';
import { planJob } from '../plan/physical/physical-planner.ts';
import { explainPlan } from '../plan/explain.ts';
import { parseStatement, parseStatements } from '../sql/parse.ts';
import { catalogTablePlan } from '../sql/planner/catalog-tables.ts';
import { descriptorCatalogTable } from '../sql/planner/descriptor-table.ts';
import { executeStatement, planSqlQuery } from '../sql/planner/statement-executor.ts';
import { typesEqual, formatDataType } from '../types/data-type.ts';
import { inspectPythonFunction } from '../udf/python/inspect.ts';
import { inspectTsFunction } from '../udf/ts/define.ts';
import { Catalog } from './catalog.ts';
import { resolveLateRecordsSink } from './late-records-sink.ts';
import { notifyJobSubmitted } from './job-events.ts';
import { Table } from './table.ts';
import { TableDescriptor, toSchema, type SchemaLike } from './table-descriptor.ts';
import { TableResult } from './table-result.ts';
import type { SqlResult } from './sql-result.ts';
import { inferValuesSchema } from './values-schema.ts';

export interface EnvironmentSettings {
  /** Only streaming mode exists: bounded inputs simply end. */
  readonly mode?: 'streaming';
  /** Default parallelism of operators (`parallelism.default`). */
  readonly parallelism?: number;
  /** Any configuration option by its Flink key, e.g. `{ 'python.fn-execution.bundle.size': 1000 }`. */
  readonly config?: Record<string, string | number | boolean>;
  /** Directory that relative UDF module paths and file paths resolve against. Default: the working directory. */
  readonly baseDir?: string;
  /** A job name shown in progress output and metrics. */
  readonly name?: string;
}

/**
 * The entry point of the Table API, as Flink's TableEnvironment: a catalog of tables and functions, configuration,
 * and job submission.
 *
 * @example
 * const env = TableEnvironment.create({ parallelism: 2 });
 * await env.createPythonFunction('normalize', 'udfs/text.py:normalize');
 * const rows = await env.from('src').select(call('normalize', col('name'))).execute().collect();
 */
export class TableEnvironment {
  readonly catalog = new Catalog();
  readonly config: Configuration;
  readonly baseDir: string;
  readonly connectors: ConnectorRegistry = defaultRegistry;
  private readonly name: string;
  private jobCounter = 0;

  private constructor(settings: EnvironmentSettings) {
    this.config = new Configuration(configFromEnvironment());
    for (const [k, v] of Object.entries(settings.config ?? {})) this.config.set(k, v);
    if (settings.parallelism !== undefined) this.config.set(CoreOptions.PARALLELISM.key, settings.parallelism);
    this.baseDir = resolve(settings.baseDir ?? process.cwd());
    this.name = settings.name ?? 'weir-job';
    const p = this.config.get(CoreOptions.PARALLELISM);
    if (p < 1) throw new PlanError(`parallelism must be at least 1, got ${p}`, {}, ErrorCodes.CONFIG_INVALID);
  }

  static create(settings: EnvironmentSettings = {}): TableEnvironment {
    return new TableEnvironment(settings);
  }

  getConfig(): Configuration { return this.config; }

  // ---- tables ------------------------------------------------------------------------------------------------------

  /** Registers a connector table (validated now: unknown connector or bad options fail here). */
  createTemporaryTable(name: string, descriptor: TableDescriptor): void {
    this.validateDescriptor(descriptor);
    // Computed columns and a watermark declared with Schema.newBuilder() are bound now, as CREATE TABLE binds them.
    this.catalog.addTable(name, descriptorCatalogTable(this, name, descriptor));
  }

  /** Same as createTemporaryTable: the catalog lives in memory. */
  createTable(name: string, descriptor: TableDescriptor): void { this.createTemporaryTable(name, descriptor); }

  createTemporaryView(name: string, table: Table): void {
    this.catalog.addTable(name, { kind: 'view', plan: table.plan });
  }

  dropTemporaryTable(name: string): boolean { return this.catalog.dropTable(name, true); }
  dropTemporaryView(name: string): boolean { return this.catalog.dropTable(name, true); }
  listTables(): string[] { return this.catalog.tableNames(); }
  listUserDefinedFunctions(): string[] { return this.catalog.functionNames(); }

  /** A table from the catalog by name, or a table read directly from a descriptor. */
  from(source: string | TableDescriptor): Table {
    if (source instanceof TableDescriptor) return new Table(this, catalogTablePlan(this, '(anonymous)', descriptorCatalogTable(this, '(anonymous)', source)));
    // Shared with SQL, so tables created with CREATE TABLE show their computed columns here too.
    return new Table(this, catalogTablePlan(this, source, this.catalog.table(source)));
  }

  // ---- SQL ---------------------------------------------------------------------------------------------------------

  /**
   * A SELECT (or VALUES, WITH, UNION, …) as a Table, which mixes with the Table API:
   * `env.sqlQuery('SELECT a, b FROM t').filter(col('a').isGreater(1))`. Tables and views registered either way are
   * visible to both. Errors name the SQL line and column.
   */
  sqlQuery(sql: string): Table {
    return new Table(this, planSqlQuery(this, sql));
  }

  /**
   * Runs one SQL statement: DDL, SET/RESET, SHOW/DESCRIBE/EXPLAIN (rows), a query (a running job's rows), INSERT or
   * a statement set (the submitted job). See {@link SqlResult}.
   */
  async executeSql(sql: string): Promise<SqlResult> {
    return executeStatement(this, parseStatement(sql), sql);
  }

  /** Runs `;`-separated statements in order (SET affects the statements after it); one result per statement. */
  async executeSqlScript(script: string): Promise<SqlResult[]> {
    const results: SqlResult[] = [];
    for (const statement of parseStatements(script)) results.push(await executeStatement(this, statement, script));
    return results;
  }

  /**
   * A bounded table of literal rows (arrays by position, or objects by column name). The schema is inferred from the
   * values unless given: `env.fromValues([[1, 'a']], { id: 'INT', name: 'STRING' })`.
   */
  fromValues(rows: readonly (readonly unknown[] | Record<string, unknown>)[], schema?: SchemaLike): Table {
    const s = schema ? toSchema(schema) : inferValuesSchema(rows);
    const positional = rows.map((r) => (Array.isArray(r) ? r : s.names.map((n) => (r as Record<string, unknown>)[n] ?? null)));
    for (const [i, r] of positional.entries()) {
      if (r.length !== s.length) throw new PlanError(`fromValues: row ${i} has ${r.length} values for ${s.length} columns ${s}`);
    }
    return new Table(this, { kind: 'values', schema: s, rows: positional });
  }

  // ---- functions ---------------------------------------------------------------------------------------------------

  /**
   * Registers a Python function by module path and attribute: `'udfs/text.py:normalize'` (relative to baseDir) or
   * `'package.module:attr'`. The function is loaded once now to check that it exists and to learn its kind and types:
   * a `udf` is a scalar function, a `udaf` an aggregate function, a `udtf` (or TableFunction) a table function for
   * `LATERAL TABLE(...)` and `joinLateral`.
   */
  async createPythonFunction(name: string, path: string): Promise<void> {
    const def = await inspectPythonFunction(name, path, { config: this.config, baseDir: this.baseDir });
    this.catalog.addFunction(def, true);
  }

  /**
   * Registers a TypeScript function made with `scalarFunction(...)` (or `aggregateFunction`, `tableFunction`),
   * exported from a module. It runs in worker threads, so it is referenced by module path (relative to baseDir) and
   * export name, not passed as a closure.
   */
  async createTypeScriptFunction(name: string, modulePath: string, exportName = name): Promise<void> {
    const path = isAbsolute(modulePath) ? modulePath : resolve(this.baseDir, modulePath);
    const def = await inspectTsFunction(name, path, exportName);
    this.catalog.addFunction(def, true);
  }

  dropTemporarySystemFunction(name: string): boolean { return this.catalog.dropFunction(name, true); }

  // ---- execution ---------------------------------------------------------------------------------------------------

  /** @internal */
  executeTable(table: Table): TableResult {
    const job = this.submit(table.plan, { kind: 'collect' });
    return new TableResult(job, table.schema);
  }

  /** @internal */
  executeInsert(table: Table, target: string | TableDescriptor): JobClient {
    return this.submit(this.insertPlan(table, target), { kind: 'sink-in-plan' });
  }

  /** @internal Runs several checked INSERT plans ({@link insertPlan}) as one job: a statement set. */
  executeInsertPlans(plans: readonly LogicalNode[]): JobClient {
    return this.submit(plans, { kind: 'sink-in-plan' });
  }

  /** @internal The sink plan of an INSERT, checked: sink options, schema, and that an insert-only sink gets no updates. */
  insertPlan(table: Table, target: string | TableDescriptor): LogicalNode {
    const [name, descriptor] = typeof target === 'string' ? [target, this.connectorTable(target)] : ['(anonymous)', target];
    const factory = this.connectors.sink(descriptor.connector);
    factory.validateSink(descriptor.options, descriptor.schema);
    checkInsertSchema(name, table, descriptor);
    if (producesUpdates(table.plan) && !factory.acceptsUpdates(descriptor.options)) {
      throw new PlanError(
        `Table sink '${name}' (connector '${descriptor.connector}') only accepts inserts, but the query produces updates and deletes (its changelog has -U/+U/-D rows)`,
        { hint: 'Write to a sink that accepts updates (print, blackhole, or an upsert sink with a PRIMARY KEY), or make the query append-only (e.g. a windowed aggregation).' },
        ErrorCodes.NOT_SUPPORTED,
      );
    }
    return { kind: 'sink', schema: descriptor.schema, input: table.plan, table: name, connector: descriptor.connector, options: descriptor.options };
  }

  /** @internal */
  explainTable(table: Table): string {
    const optimized = optimize(table.plan);
    const graph = planJob(optimized, this.config, { kind: 'collect' });
    return explainPlan(table.plan, optimized, graph);
  }

  private submit(plan: LogicalNode | readonly LogicalNode[], target: Parameters<typeof planJob>[2]): JobClient {
    const roots: readonly LogicalNode[] = Array.isArray(plan) ? plan : [plan as LogicalNode];
    const graph = planJob(roots.map((p) => optimize(p)), this.config, target);
    const name = `${this.name}-${++this.jobCounter}`;
    const job = new JobClient(graph, { jobName: name, config: this.config.toJSON(), baseDir: this.baseDir, lateRecordsSink: resolveLateRecordsSink(this) });
    notifyJobSubmitted(job, name);
    return job;
  }

  private connectorTable(name: string): TableDescriptor {
    const entry = this.catalog.table(name);
    if (entry.kind !== 'connector') throw new PlanError(`Cannot insert into view '${name}'`, { hint: 'Insert into a connector table.' });
    return entry.descriptor;
  }

  /**
   * @internal A table may be a source, a sink or both; it must be valid for at least one of the roles its connector
   * has. CREATE TABLE validates its WITH options through this too.
   */
  validateDescriptor(d: TableDescriptor): void {
    const registry = this.connectors;
    if (registry.hasSource(d.connector)) registry.source(d.connector).validateSource(d.options, d.schema);
    else if (registry.hasSink(d.connector)) registry.sink(d.connector).validateSink(d.options, d.schema);
    else {
      throw new ConnectorError(`Could not find any connector for 'connector' = '${d.connector}'. Available connectors: ${registry.identifiers().join(', ')}`, {
        hint: 'Check the spelling of the connector option.',
      }, ErrorCodes.CONNECTOR_NOT_FOUND);
    }
  }
}

/** Defaults set by `weir run -p N -D key=value` (settings in the job's code win). */
function configFromEnvironment(): Record<string, string> {
  const out: Record<string, string> = {};
  if (process.env.WEIR_PARALLELISM) out[CoreOptions.PARALLELISM.key] = process.env.WEIR_PARALLELISM;
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('WEIR_CONF_') && v !== undefined) out[k.slice('WEIR_CONF_'.length)] = v;
  }
  return out;
}

function checkInsertSchema(name: string, table: Table, d: TableDescriptor): void {
  const q = table.schema.columns;
  const t = d.schema.columns;
  const mismatch = q.length !== t.length || q.some((c, i) => !typesEqual(c.type, t[i].type, true));
  if (mismatch) {
    throw new PlanError(
      `Query schema does not match sink '${name}': query ${table.schema}, sink ${d.schema}`,
      { hint: `Select ${t.length} columns of types ${t.map((c) => formatDataType(c.type, true)).join(', ')}, casting where needed.` },
      ErrorCodes.SCHEMA_MISMATCH,
    );
  }
}
