/**
 * Session time zone support for TIMESTAMP_LTZ: offsets of 'UTC', fixed offsets ('+08:00', 'GMT+8') and IANA
 * names (via Intl, cached per zone).
 */

const FIXED = /^(?:UTC|GMT|Z)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether the zone id is usable. */
export function isValidZone(zone: string): boolean {
  try { zoneOffsetMillis(zone, 0); return true; } catch { return false; }
}

/** Offset (local - UTC) in millis of the zone at the UTC instant `utcMs`. */
export function zoneOffsetMillis(zone: string, utcMs: number): number {
  const z = zone.trim();
  if (z === '' || /^(UTC|GMT|Z)$/i.test(z)) return 0;
  const m = FIXED.exec(z);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000;
  let f = formatters.get(z);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: z, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(z, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const local = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return local - Math.floor(utcMs / 1000) * 1000;
}

/** The UTC instant whose wall-clock time in the zone is `localMs` (first match across a DST gap or overlap). */
export function localToUtc(localMs: number, zone: string): number {
  const guess = localMs - zoneOffsetMillis(zone, localMs);
  return localMs - zoneOffsetMillis(zone, guess);
}

export const utcToLocal = (utcMs: number, zone: string): number => utcMs + zoneOffsetMillis(zone, utcMs);
