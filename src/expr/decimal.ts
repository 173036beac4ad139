/**
 * Exact DECIMAL arithmetic on unscaled BigInt values (value = unscaled / 10^scale). Rounding is HALF_UP, as Java's
 * BigDecimal in Flink's DecimalData; a result that does not fit its precision is reported by `fits` so the caller can
 * yield NULL (Flink arithmetic) or fail (CAST).
 */

const POW10: bigint[] = [1n];
for (let i = 1; i <= 80; i++) POW10.push(POW10[i - 1] * 10n);

export const pow10 = (n: number): bigint => POW10[n] ?? 10n ** BigInt(n);

/** Integer division rounding half away from zero (HALF_UP). */
export function divHalfUp(a: bigint, b: bigint): bigint {
  const q = a / b;
  const r = a % b;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  const absB = b < 0n ? -b : b;
  if (twice >= absB) return (a < 0n) !== (b < 0n) ? q - 1n : q + 1n;
  return q;
}

/** The unscaled value at another scale, rounding HALF_UP when digits are dropped. */
export function rescale(v: bigint, from: number, to: number): bigint {
  if (to === from) return v;
  if (to > from) return v * pow10(to - from);
  return divHalfUp(v, pow10(from - to));
}

/** Whether an unscaled value has at most `precision` digits. */
export function fits(v: bigint, precision: number): boolean {
  const limit = pow10(precision);
  return v < limit && v > -limit;
}

/** Plain decimal text with exactly `scale` fraction digits, e.g. 1230n, 2 → "12.30". */
export function formatDecimal(v: bigint, scale: number): string {
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString();
  if (scale === 0) return (neg ? '-' : '') + digits;
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  const cut = digits.length - scale;
  return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

const DECIMAL_TEXT = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

/** Parses decimal text (optionally with exponent) to an unscaled value at `scale`, HALF_UP; undefined if not a number. */
export function parseDecimal(text: string, scale: number): bigint | undefined {
  const m = DECIMAL_TEXT.exec(text);
  if (!m || (!m[2] && !m[3])) return undefined;
  const frac = m[3] ?? '';
  const exp = m[4] ? Number(m[4]) : 0;
  let unscaled = BigInt((m[2] || '0') + frac);
  // The text's own scale is frac.length - exp.
  const textScale = frac.length - exp;
  if (textScale < 0) unscaled *= pow10(-textScale);
  const v = rescale(unscaled, Math.max(textScale, 0), scale);
  return m[1] === '-' ? -v : v;
}

/** Unscaled value of a JS number at `scale`, HALF_UP via its shortest decimal text (so 0.1 is exactly 0.1). */
export function decimalFromNumber(x: number, scale: number): bigint | undefined {
  if (!Number.isFinite(x)) return undefined;
  return parseDecimal(String(x), scale);
}

/** Nearest double of an unscaled value. */
export function decimalToNumber(v: bigint, scale: number): number {
  return scale === 0 ? Number(v) : Number(formatDecimal(v, scale));
}
