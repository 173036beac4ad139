/**
 * Weir's public API. Import from 'weir':
 *
 * ```ts
 * import { TableEnvironment, TableDescriptor, col, call } from 'weir';
 * ```
 */
export { TableEnvironment, type EnvironmentSettings } from './api/table-environment.ts';
export { Table, type FieldLike } from './api/table.ts';
export { Over, OverWindow, type OverWindowOrdered, type OverWindowPartitioned } from './api/over-window.ts';
export { Tumble, Slide, Session, GroupWindow, type GroupWindowOn, type GroupWindowSized } from './api/group-window.ts';
export { GroupedTable, GroupWindowedTable, WindowGroupedTable } from './api/grouped-table.ts';
export { TableDescriptor, TableDescriptorBuilder, type SchemaLike } from './api/table-descriptor.ts';
export { TableResult } from './api/table-result.ts';
export { formatRowsTable, type SqlResult } from './api/sql-result.ts';
export { SqlPlanError } from './sql/planner/errors.ts';
export { SqlParseError } from './sql/errors.ts';
export { Row, type RowKindString } from './api/row.ts';
export { onJobSubmitted } from './api/job-events.ts';
export type { JobClient, JobResult, JobStatus } from './exec/job/job-client.ts';
export type { JobMetrics, UdfMetrics, OperatorMetrics } from './exec/job/job-metrics.ts';
export { DataTypes, notNull, formatDataType, type DataType } from './types/data-type.ts';
export { parseDataType } from './types/parse-data-type.ts';
export { Schema, type Column } from './types/schema.ts';
export { SchemaBuilder, type DeclaredSchema, type DeclaredColumn } from './types/schema-builder.ts';
export { RowKind } from './batch/row-kind.ts';
export { Configuration } from './config/configuration.ts';
export { CoreOptions, PythonOptions, TsUdfOptions } from './config/options.ts';
export { TimeOptions } from './config/time-options.ts';
export * from './errors/index.ts';
export * from './expr/api.ts';
export { scalarFunction } from './udf/ts/define.ts';
export { tableFunction } from './udf/ts/define-table.ts';
export { aggregateFunction } from './udf/ts/define-aggregate.ts';
export { formatUdfTable } from './cli/metrics-table.ts';
