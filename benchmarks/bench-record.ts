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

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly defaultRows: number;
  /** Runs every engine of the scenario, in the same process run, and returns one record per engine. */
  run(options: ScenarioOptions): Promise<BenchRecord[]>;
}
