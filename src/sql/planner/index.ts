/**
 * The SQL planner: SQL AST → catalog operations and logical plans that run on Weir's runtime and mix with the Table
 * API. Entry points are `env.sqlQuery`, `env.executeSql` and `env.executeSqlScript`; these exports serve tools.
 */
export { planSqlQuery, executeStatement } from './statement-executor.ts';
export { planQuery } from './query-planner.ts';
export { SqlPlanError } from './errors.ts';
export { catalogTablePlan } from './catalog-tables.ts';
export type { PlannerContext } from './context.ts';
