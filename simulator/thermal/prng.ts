/**
 * Seeded randomness. mulberry32 is a 32-bit generator small enough to read in one screen, fast, and good enough for
 * simulation noise (it passes gjrand/PractRand up to modest sizes); nothing here is cryptographic.
 * `fork(label)` derives an independent stream from the seed and a label without consuming the parent, so adding a
 * device or a waybill to a scenario does not shift the numbers every other device draws.
 */

/** A seeded source of numbers; every method advances the stream. */
export interface Rng {
  /** The seed this stream started from (for forking and for the record). */
  readonly seed: number
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number
  /** Integer uniform in [min, max], both inclusive. */
  int(min: number, max: number): number
  /** Normal with the given mean and standard deviation (Box–Muller). */
  gaussian(mean?: number, sd?: number): number
  /** True with probability p. */
  chance(p: number): boolean
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T
  /** An independent stream named by `label`, derived from this stream's seed only. */
  fork(label: string): Rng
}

/** FNV-1a over the UTF-16 code units of `text`, as an unsigned 32-bit integer. */
export function hash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

export function createRng(seed: number): Rng {
  const start = seed >>> 0
  let state = start
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  let spare: number | null = null
  const rng: Rng = {
    seed: start,
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    gaussian(mean = 0, sd = 1) {
      if (spare !== null) {
        const z = spare
        spare = null
        return mean + sd * z
      }
      // 1 - next() is in (0, 1], so the logarithm is finite.
      const r = Math.sqrt(-2 * Math.log(1 - next()))
      const theta = 2 * Math.PI * next()
      spare = r * Math.sin(theta)
      return mean + sd * r * Math.cos(theta)
    },
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[Math.floor(next() * items.length)] as T
    },
    fork: (label) => createRng((hash32(label) ^ Math.imul(start, 0x9e3779b1)) >>> 0),
  }
  return rng
}
