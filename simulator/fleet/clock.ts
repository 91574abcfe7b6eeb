/**
 * The virtual clock. Simulated time advances in ticks; with a speed factor the world waits so that one real
 * second covers `speed` simulated seconds (60: an hour a minute); `max` runs as fast as the broker acknowledges.
 * Wall time is injected (now/sleep) so tests drive it without real waiting.
 */

/** How simulated time relates to wall time. */
export interface Pace {
  /** Simulated ms per real ms, or 'max' for as fast as possible. */
  speed: number | 'max'
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export class VirtualClock {
  private wallStart: number | null = null
  private readonly nowFn: () => number
  private readonly sleepFn: (ms: number) => Promise<void>
  private ticks = 0

  constructor(
    readonly simStart: number,
    private readonly pace: Pace,
  ) {
    this.nowFn = pace.now ?? Date.now
    this.sleepFn = pace.sleep ?? realSleep
  }

  /** Wall time (epoch ms) at which simulated time `simMs` is due. */
  wallDue(simMs: number): number {
    const base = this.wallStart ?? this.nowFn()
    return this.pace.speed === 'max' ? base : base + (simMs - this.simStart) / this.pace.speed
  }

  /** Resolves when simulated time `simMs` is due in wall time. */
  async until(simMs: number): Promise<void> {
    if (this.wallStart === null) this.wallStart = this.nowFn()
    if (this.pace.speed === 'max') {
      // Let sockets and timers run now and then even when nothing waits.
      if (++this.ticks % 50 === 0) await new Promise<void>((resolve) => setImmediate(resolve))
      return
    }
    const wait = this.wallDue(simMs) - this.nowFn()
    if (wait > 0) await this.sleepFn(wait)
  }
}

/**
 * The default start of a run: the latest local `hour` o'clock such that the whole run lies in the past even when
 * it plays at full speed (device times in the future are refused by the gateway, ingest.maxFutureSkewMs).
 */
export function defaultStart(durationMs: number, utcOffsetH: number, hour = 6, now = Date.now()): number {
  const day = 86_400_000
  const localMidnight = Math.floor((now + utcOffsetH * 3_600_000) / day) * day - utcOffsetH * 3_600_000
  let start = localMidnight + hour * 3_600_000
  while (start + durationMs > now) start -= day
  return start
}
