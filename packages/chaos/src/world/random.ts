/**
 * A small seeded PRNG (mulberry32) returning floats in [0, 1), so that jitter and tokens replay from a seed.
 *
 * @example
 * ```ts
 * const random = seededRandom(42); random() // always the same first value
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
