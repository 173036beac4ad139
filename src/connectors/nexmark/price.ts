import type { EventRng } from './event-rng.ts';

/** 6 · ln 10: 10^(6u) = e^(u · 6 ln 10), and Math.exp is several times faster than Math.pow here. */
const SIX_LN10 = 6 * Math.LN10;

/** nexmark's `PriceGenerator.nextPrice`, round(10^(6u) · 100): log-uniform between 100 and 100,000,000. */
export function nextPrice(rng: EventRng): number {
  return Math.round(Math.exp(rng.nextDouble() * SIX_LN10) * 100);
}
