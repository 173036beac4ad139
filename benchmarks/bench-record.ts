/** One benchmark measurement, as written to the JSON output. Extra fields are allowed. */
export interface BenchRecord {
  scenario: string;
  engine: string;
  rows: number;
  seconds: number;
  rows_per_s: number;
  p50_ms: number | null;
  p99_ms: number | null;
  [extra: string]: unknown;
}

export interface ScenarioOptions {
  rows: number;
  /** Directory with the benchmark UDF modules. */
  udfDir: string;
}

/** The engines the runner knows, in table order. */
export const ENGINES = ['weir', 'transport-limit', 'pyflink-process', 'pyflink-thread', 'pyspark'] as const;
export type EngineName = (typeof ENGINES)[number];

/** One timed job of one engine. `seconds` is end to end (job submitted → finished); extra fields are kept. */
export interface RunResult {
  rows: number;
  seconds: number;
  p50_ms?: number | null;
  p99_ms?: number | null;
  [extra: string]: unknown;
}

export interface EngineContext {
  readonly scenario: string;
  readonly rows: number;
  /** Rows of the one warm-up job run before the measured ones (same engine process, not counted). */
  readonly warmupRows: number;
  readonly repeat: number;
  readonly udfDir: string;
}

/** What an engine returns: its measured runs (warm-up excluded) and fields common to them (e.g. JVM start-up). */
export interface EngineOutcome {
  runs: RunResult[];
  extra?: Record<string, unknown>;
}

export type EngineRunner = (ctx: EngineContext) => Promise<EngineOutcome>;

/** An engine that cannot run a scenario, and why; the runner writes a `skipped` record for it. */
export interface Skip { readonly skip: string }

/**
 * A scenario: one pipeline, run by each engine that has it (same data, same UDF code). `prepare` runs once before
 * the engines (e.g. to generate the input files) for the given row counts.
 */
export interface EngineScenario {
  readonly name: string;
  readonly description: string;
  readonly defaultRows: number;
  /** Default rows of the warm-up job (default: a tenth of the rows). */
  readonly warmupRows?: (rows: number) => number;
  readonly engines: Partial<Record<EngineName, EngineRunner | Skip>>;
  prepare?(rows: readonly number[]): Promise<void>;
}

/**
 * The original scenario shape: `run` measures every engine once and returns one record per engine. The runner calls
 * it once to warm up and `--repeat` times more, and aggregates the records per engine.
 */
export interface LegacyScenario {
  readonly name: string;
  readonly description: string;
  readonly defaultRows: number;
  run(options: ScenarioOptions): Promise<BenchRecord[]>;
}

export type Scenario = EngineScenario | LegacyScenario;

export const isEngineScenario = (s: Scenario): s is EngineScenario => 'engines' in s;
export const isSkip = (e: EngineRunner | Skip): e is Skip => typeof e === 'object' && 'skip' in e;
