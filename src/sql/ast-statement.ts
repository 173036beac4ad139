/** Statement nodes of the SQL AST (see ast.ts for the conventions). */
import type { DataType } from '../types/data-type.ts';
import type { Ident, ObjectName, Query, SqlExpr, SourcePos } from './ast.ts';

export type Statement =
  | CreateTableStatement | CreateViewStatement | CreateFunctionStatement | DropStatement | ShowStatement
  | DescribeStatement | ExplainStatement | SetStatement | ResetStatement | InsertStatement | StatementSetStatement
  | QueryStatement;

/** A physical column: `name TYPE [NOT NULL] [PRIMARY KEY NOT ENFORCED] [COMMENT '…']` (NOT NULL is in `type`). */
export interface PhysicalColumn { readonly kind: 'physicalColumn'; readonly name: Ident; readonly type: DataType; readonly comment?: string; readonly pos: SourcePos }
/** A computed column: `name AS expr [COMMENT '…']`. */
export interface ComputedColumn { readonly kind: 'computedColumn'; readonly name: Ident; readonly expr: SqlExpr; readonly comment?: string; readonly pos: SourcePos }
/** A metadata column: `name TYPE METADATA [FROM 'key'] [VIRTUAL]`. */
export interface MetadataColumn {
  readonly kind: 'metadataColumn';
  readonly name: Ident;
  readonly type: DataType;
  readonly from?: string;
  readonly virtual: boolean;
  readonly comment?: string;
  readonly pos: SourcePos;
}
export type ColumnDef = PhysicalColumn | ComputedColumn | MetadataColumn;

/** `WATERMARK FOR column AS expr`; `column` may be a nested path. */
export interface WatermarkDef { readonly column: readonly string[]; readonly expr: SqlExpr; readonly pos: SourcePos }

/** `[CONSTRAINT name] PRIMARY KEY (a, b) NOT ENFORCED`, table-level or inline on one column. */
export interface PrimaryKeyDef { readonly name?: string; readonly columns: readonly Ident[]; readonly enforced: boolean; readonly pos: SourcePos }

/** One `'key' = 'value'` of a WITH clause. */
export interface TableOption { readonly key: string; readonly value: string; readonly pos: SourcePos }

/** `LIKE source (INCLUDING ALL EXCLUDING OPTIONS …)`. */
export interface LikeClause {
  readonly table: ObjectName;
  readonly options: readonly { readonly mode: 'INCLUDING' | 'EXCLUDING' | 'OVERWRITING'; readonly what: string }[];
}

/**
 * CREATE [TEMPORARY] TABLE [IF NOT EXISTS] name (…) [COMMENT '…'] [PARTITIONED BY (…)] WITH (…) [LIKE …]
 * [AS query]. Options keep their order; duplicate keys are kept for the planner to reject.
 */
export interface CreateTableStatement {
  readonly kind: 'createTable';
  readonly name: ObjectName;
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDef[];
  readonly watermarks: readonly WatermarkDef[];
  readonly primaryKey?: PrimaryKeyDef;
  readonly comment?: string;
  readonly partitionedBy: readonly Ident[];
  readonly options: readonly TableOption[];
  readonly like?: LikeClause;
  /** CREATE TABLE … AS SELECT. */
  readonly asQuery?: Query;
  readonly pos: SourcePos;
}

export interface CreateViewStatement {
  readonly kind: 'createView';
  readonly name: ObjectName;
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly columns?: readonly Ident[];
  readonly comment?: string;
  readonly query: Query;
  readonly pos: SourcePos;
}

/** CREATE [TEMPORARY] [SYSTEM] FUNCTION [IF NOT EXISTS] name AS 'identifier' [LANGUAGE …]. */
export interface CreateFunctionStatement {
  readonly kind: 'createFunction';
  readonly name: ObjectName;
  readonly temporary: boolean;
  readonly system: boolean;
  readonly ifNotExists: boolean;
  /** The implementation: 'module.fn' (Python / TypeScript) or a class name (Java / Scala). */
  readonly identifier: string;
  readonly language?: 'JAVA' | 'SCALA' | 'PYTHON' | 'TYPESCRIPT';
  readonly pos: SourcePos;
}

export interface DropStatement {
  readonly kind: 'drop';
  readonly objectType: 'TABLE' | 'VIEW' | 'FUNCTION';
  readonly name: ObjectName;
  readonly temporary: boolean;
  readonly system: boolean;
  readonly ifExists: boolean;
  readonly pos: SourcePos;
}

/** SHOW TABLES, VIEWS, FUNCTIONS, USER FUNCTIONS, CATALOGS, DATABASES, MODULES, CURRENT CATALOG, CURRENT DATABASE. */
export interface ShowStatement { readonly kind: 'show'; readonly what: string; readonly pos: SourcePos }

/** DESCRIBE | DESC name. */
export interface DescribeStatement { readonly kind: 'describe'; readonly name: ObjectName; readonly pos: SourcePos }

/** EXPLAIN [PLAN FOR] | EXPLAIN detail, detail … statement. `details` upper-case (ESTIMATED_COST, CHANGELOG_MODE, …). */
export interface ExplainStatement {
  readonly kind: 'explain';
  readonly details: readonly string[];
  readonly planFor: boolean;
  readonly statement: Statement;
  readonly pos: SourcePos;
}

/** SET 'key' = 'value'; SET alone lists the configuration (no key). */
export interface SetStatement { readonly kind: 'set'; readonly key?: string; readonly value?: string; readonly pos: SourcePos }
/** RESET ['key']. */
export interface ResetStatement { readonly kind: 'reset'; readonly key?: string; readonly pos: SourcePos }

/**
 * INSERT INTO | OVERWRITE table [PARTITION (k = v, …)] [(cols)] query. `execute` marks the `EXECUTE INSERT …`
 * spelling, which means the same.
 */
export interface InsertStatement {
  readonly kind: 'insert';
  readonly overwrite: boolean;
  readonly table: ObjectName;
  readonly partition?: readonly { readonly column: Ident; readonly value: SqlExpr }[];
  readonly columns?: readonly Ident[];
  readonly query: Query;
  readonly execute: boolean;
  readonly pos: SourcePos;
}

/**
 * A set of INSERTs planned and run as one job: `EXECUTE STATEMENT SET BEGIN …; END` (`syntax` EXECUTE),
 * `BEGIN STATEMENT SET; …; END;` (BEGIN), or `STATEMENT SET BEGIN …; END` after EXPLAIN (BARE).
 */
export interface StatementSetStatement {
  readonly kind: 'statementSet';
  readonly syntax: 'EXECUTE' | 'BEGIN' | 'BARE';
  readonly inserts: readonly InsertStatement[];
  readonly pos: SourcePos;
}

/** A query run for its result (`SELECT …`), or `EXECUTE SELECT …` (`execute` true). */
export interface QueryStatement { readonly kind: 'query'; readonly query: Query; readonly execute?: boolean; readonly pos: SourcePos }
