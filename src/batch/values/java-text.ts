/**
 * Java's Double.toString and Float.toString, which Flink's print connector shows (it prints Row.toString of Java
 * objects): plain notation in [1e-3, 1e7) with at least one fraction digit (`1.0`), otherwise `1.0E10`.
 */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  // toExponential() without an argument gives the shortest digits that round-trip, as Java does.
  const [mantissa, exp] = x.toExponential().split('e');
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${Number(exp)}`;
}

/** Java's Float.toString: the shortest decimal that reads back as the same 32-bit float. */
export function javaFloat(x: number): string {
  if (!Number.isFinite(x) || x === 0) return javaDouble(x);
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return javaDouble(candidate);
  }
  return javaDouble(f);
}
