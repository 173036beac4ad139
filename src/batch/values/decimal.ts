/**
 * Exact DECIMAL(p, s) arithmetic on BigInt unscaled values, and the Arrow decimal128 layout (four little-endian
 * 32-bit words, two's complement). Arrow JS's own decimal getters return raw words or lossy numbers, so Weir reads and
 * writes the words itself.
 */

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 80; i++, p *= 10n) POW10.push(p);

/** 10^n as a BigInt. */
export const pow10 = (n: number): bigint => POW10[n] ?? 10n ** BigInt(n);

const DECIMAL_TEXT = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/;

/**
 * The unscaled value of `value` at `scale`, rounding extra fraction digits HALF_UP as Flink's casts do.
 * Returns undefined when the input is not a decimal number; the caller reports the error with context.
 */
export function toUnscaled(value: unknown, scale: number): bigint | undefined {
  if (typeof value === 'bigint') return value * pow10(scale);
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value;
  } else {
    return undefined;
  }
  const m = DECIMAL_TEXT.exec(text);
  if (!m || (!m[2] && !m[3])) return undefined;
  const frac = m[3] ?? '';
  const digits = BigInt((m[2] || '0') + frac);
  const shift = Number(m[4] ?? 0) - frac.length + scale;
  let unscaled: bigint;
  if (shift >= 0) {
    unscaled = digits * pow10(shift);
  } else {
    const div = pow10(-shift);
    unscaled = digits / div;
    if ((digits % div) * 2n >= div) unscaled += 1n;
  }
  return m[1] === '-' ? -unscaled : unscaled;
}

/** Whether an unscaled value fits in `precision` digits. */
export const fitsPrecision = (unscaled: bigint, precision: number): boolean => {
  const limit = pow10(precision);
  return unscaled < limit && unscaled > -limit;
};

/** Plain text with exactly `scale` fraction digits: `-12.30`. */
export function formatUnscaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** Java's BigDecimal.toString: plain unless the adjusted exponent is below -6, then `1.5E-7`. */
export function formatUnscaledJava(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const adjusted = -scale + (digits.length - 1);
  if (adjusted >= -6) return formatUnscaled(unscaled, scale);
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${negative ? '-' : ''}${mantissa}E${adjusted}`;
}

const MASK32 = 0xffffffffn;
const TWO128 = 1n << 128n;

/** Writes a signed 128-bit value at row `index` of a decimal128 word array. */
export function writeDecimal128(words: Uint32Array, index: number, unscaled: bigint): void {
  let v = unscaled < 0n ? unscaled + TWO128 : unscaled;
  const base = index * 4;
  // Small values (the common case) avoid BigInt shifts per word.
  if (unscaled >= 0n && unscaled <= 0xffffffffn) {
    words[base] = Number(unscaled); words[base + 1] = 0; words[base + 2] = 0; words[base + 3] = 0;
    return;
  }
  for (let w = 0; w < 4; w++) {
    words[base + w] = Number(v & MASK32);
    v >>= 32n;
  }
}

/** Reads the signed 128-bit value at row `index` of a decimal128 word array. */
export function readDecimal128(words: Uint32Array, index: number): bigint {
  const base = index * 4;
  const hi = words[base + 3];
  if (words[base + 1] === 0 && words[base + 2] === 0 && hi === 0) return BigInt(words[base]);
  let v = (BigInt(hi) << 96n) | (BigInt(words[base + 2]) << 64n) | (BigInt(words[base + 1]) << 32n) | BigInt(words[base]);
  if (hi & 0x80000000) v -= TWO128;
  return v;
}
