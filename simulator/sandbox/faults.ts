/**
 * Fault injection per platform. Faults are checked in a fixed order before the platform verifies anything:
 * gone (410) → outage (503) → rate limit (429) → error rate (platform system error). Latency applies to every
 * answer, faulted or not; the clock offset and bad-signature mode change how the platform verifies.
 */
import { seededRandom } from './rng.js'
import type { Fault, PlatformName } from './types.js'

export type FaultDecision =
  | { kind: 'gone' }
  | { kind: 'outage'; until: number }
  | { kind: 'rateLimit'; retryAfter: string }
  | { kind: 'error' }

interface ActiveFault {
  fault: Fault
  outage?: { from: number; until: number }
  random?: () => number
  rateLimitLeft?: number
}

export class FaultBoard {
  private readonly active = new Map<PlatformName, ActiveFault>()

  /** Replaces the platform's faults; `outage.forMs` is anchored at `now` (sandbox clock). */
  set(platform: PlatformName, fault: Fault, now: number): void {
    const entry: ActiveFault = { fault }
    if (fault.outage) {
      const from = fault.outage.from ?? now
      const until =
        fault.outage.until ?? (fault.outage.forMs === undefined ? Infinity : from + fault.outage.forMs)
      entry.outage = { from, until }
    }
    if (fault.errorRate) entry.random = seededRandom(fault.seed ?? 1)
    if (fault.rateLimit?.count !== undefined) entry.rateLimitLeft = fault.rateLimit.count
    this.active.set(platform, entry)
  }

  clear(platform?: PlatformName): void {
    if (platform) this.active.delete(platform)
    else this.active.clear()
  }

  get(platform: PlatformName): Fault {
    return this.active.get(platform)?.fault ?? {}
  }

  all(): Partial<Record<PlatformName, Fault>> {
    return Object.fromEntries([...this.active].map(([name, entry]) => [name, entry.fault]))
  }

  /** The fault that answers this request instead of the platform, if any (consumes counts and RNG draws). */
  decide(platform: PlatformName, now: number): FaultDecision | null {
    const entry = this.active.get(platform)
    if (!entry) return null
    const { fault } = entry
    if (fault.gone) return { kind: 'gone' }
    if (entry.outage && now >= entry.outage.from && now < entry.outage.until) {
      return { kind: 'outage', until: entry.outage.until }
    }
    if (fault.rateLimit && (entry.rateLimitLeft === undefined || entry.rateLimitLeft > 0)) {
      if (entry.rateLimitLeft !== undefined) entry.rateLimitLeft -= 1
      const seconds = fault.rateLimit.retryAfterS
      const retryAfter = fault.rateLimit.httpDate
        ? new Date(now + seconds * 1000).toUTCString()
        : String(seconds)
      return { kind: 'rateLimit', retryAfter }
    }
    if (entry.random && entry.random() < (fault.errorRate ?? 0)) return { kind: 'error' }
    return null
  }
}
