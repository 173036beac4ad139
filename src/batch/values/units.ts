/**
 * How TIMESTAMP(p) maps onto Arrow units (docs/protocol.md): p ≤ 3 milliseconds, p ≤ 6 microseconds, else
 * nanoseconds. Values are truncated to p digits, as Flink does.
 */

/** Arrow timestamp units per millisecond for precision p. */
export const timestampUnitsPerMs = (precision: number): bigint => (precision <= 3 ? 1n : precision <= 6 ? 1000n : 1_000_000n);

/** Nanoseconds per Arrow timestamp unit for precision p. */
export const nanosPerUnit = (precision: number): bigint => (precision <= 3 ? 1_000_000n : precision <= 6 ? 1000n : 1n);

/** The step, in Arrow units, that values of precision p are truncated to (1 when p fills the unit). */
export const timestampTruncation = (precision: number): bigint => {
  const unitDigits = precision <= 3 ? 3 : precision <= 6 ? 6 : 9;
  return 10n ** BigInt(unitDigits - precision);
};
