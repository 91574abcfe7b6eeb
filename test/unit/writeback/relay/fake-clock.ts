/**
 * A fake clock with the timers that run on it, for the relay and trail scheduler (src/writeback/relay/timers.ts).
 * Time moves only when a test says so; due timers fire in time order as it passes. Used in-process and, driven
 * over IPC, in the relay child process of the crash test.
 */
import type { Timers } from '../../../../src/writeback/relay/timers.js'

interface Pending {
  id: number
  at: number
  fn: () => void
}

export class FakeClock implements Timers {
  private pending: Pending[] = []
  private nextId = 1

  constructor(private current: number) {}

  readonly now = (): number => this.current

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++
    this.pending.push({ id, at: this.current + Math.max(0, ms), fn })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((p) => p.id !== handle)
  }

  /** Moves to `t` (never back), firing every timer due on the way, earliest first. */
  set(t: number): void {
    for (let guard = 0; guard < 100_000; guard++) {
      const due = this.pending.filter((p) => p.at <= t).sort((a, b) => a.at - b.at || a.id - b.id)[0]
      if (!due) break
      this.pending = this.pending.filter((p) => p !== due)
      this.current = Math.max(this.current, due.at)
      due.fn()
    }
    this.current = Math.max(this.current, t)
  }

  advance(ms: number): void {
    this.set(this.current + ms)
  }

  /** When the next timer fires, or null. */
  nextTimerAt(): number | null {
    return this.pending.length === 0 ? null : Math.min(...this.pending.map((p) => p.at))
  }
}

/** Lets promises and setImmediate callbacks run (real I/O included) without moving the fake clock. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve))
}
