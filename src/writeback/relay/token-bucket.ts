/**
 * Per-target rate limit: a token bucket of `burst` tokens refilled at `perSecond`. One token per request; the
 * bucket runs on the injected clock, so a fake clock drives it in tests.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst
    this.last = now
  }

  /** Takes a token if one is available at `now`. */
  take(now: number): boolean {
    this.refill(now)
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /** When the next token will be there (now, when one is). */
  nextAt(now: number): number {
    this.refill(now)
    if (this.tokens >= 1) return now
    return now + Math.ceil(((1 - this.tokens) * 1000) / this.perSecond)
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000)
      this.last = now
    }
  }
}
