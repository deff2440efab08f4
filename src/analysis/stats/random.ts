/**
 * A seeded PRNG so that bootstrap intervals are reproducible: mulberry32 by Tommy Ettinger
 * (public domain; https://gist.github.com/tommyettinger/46a874533244883189143505d203312c).
 * Uniform in [0, 1), 32-bit state: plenty for resampling, not for cryptography.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
