/**
 * Retry delays: exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * the n-th retry waits a uniform draw in [floor, min(cap, base·2^(n−1))]. With the defaults (base 1 s, cap
 * 10 min) the ceilings run 1 s, 2 s, 4 s … 8.5 min, then 10 min for every later attempt, until the row's
 * deadline (3 days) dead-letters it — about as many attempts per day as Svix's schedule makes in total, and
 * spread so that a platform coming back is not hit by every lane at once. A platform's Retry-After replaces the
 * draw (see relay/outcomes.ts).
 */
export interface BackoffOptions {
  baseMs: number
  maxMs: number
}

/** Never retry sooner than this: a zero draw would turn a failing platform into a busy loop. */
const FLOOR_MS = 100

/** The delay before retry number `attempt` (1 = the first retry); `random` in [0, 1). */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 40)
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent)
  const floor = Math.min(FLOOR_MS, ceiling)
  return Math.round(floor + random() * (ceiling - floor))
}
