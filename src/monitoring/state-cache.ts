/**
 * The engine states in memory, one per waybill, least recently used evicted beyond a bound (an evicted or
 * missing state is rebuilt from the store: monitor.ts).
 *
 * Rollbacks: every monitoring transaction first calls `begin()`, which bumps `monitoring_state.generation`
 * in that transaction; entries are stamped with the generation they were written under. If the transaction
 * (or the step's savepoint) rolls back, the stored generation falls back below the one this process wrote,
 * and the next `begin()` drops every entry stamped after it: those states describe writes that never
 * committed. The evaluator advances an entry's state in place, stamping the entry before it does, so a
 * half-changed state is always among those dropped.
 */
import type { EngineParams, ExcursionState } from '../rules/index.js'
import type { Database } from '../store/database.js'
import type { Faulty } from './faults.js'
import type { CustodyWindow } from './reconcile.js'

/** One waybill's entry; the evaluator updates it in place, re-stamping `generation` with each write. */
export interface CacheEntry {
  state: ExcursionState
  /** The params the state was built with; a different object means the profile changed (params.ts). */
  params: EngineParams
  /** Sensors whose newest reading for this waybill was a fault, with its time (faults.ts). */
  faulty: Faulty
  /** The custody window at the last re-evaluation (every custody change re-evaluates: monitor.ts). */
  custody: CustodyWindow
  /**
   * Wall time the newest temperature of the state (`scan.temp.prevTs`) was received: the gap tick measures
   * silence from it (device-clock.ts). Null while there is none.
   */
  heardAt: number | null
  generation: number
}

export class StateCache {
  private readonly entries = new Map<string, CacheEntry>()
  /** The generation this process last wrote; null before the first `begin()`. */
  private written: number | null = null
  private readonly s

  constructor(
    db: Database,
    private readonly max: number,
  ) {
    this.s = {
      current: db.prepare<[], number>('SELECT generation FROM monitoring_state WHERE id = 1').pluck(),
      bump: db
        .prepare<[], number>(
          'UPDATE monitoring_state SET generation = generation + 1 WHERE id = 1 RETURNING generation',
        )
        .pluck(),
    }
  }

  /** Starts a monitoring write: drops what rolled-back transactions left, returns the generation to stamp. */
  begin(): number {
    const current = this.s.current.get() as number
    if (this.written !== null && current !== this.written) {
      if (current > this.written) this.entries.clear()
      else for (const [no, e] of this.entries) if (e.generation > current) this.entries.delete(no)
    }
    this.written = this.s.bump.get() as number
    return this.written
  }

  get(no: string): CacheEntry | undefined {
    const entry = this.entries.get(no)
    if (entry) {
      // Re-inserting keeps the Map in least-recently-used order.
      this.entries.delete(no)
      this.entries.set(no, entry)
    }
    return entry
  }

  /** Like `get`, without counting as a use (the timers look at every waybill). */
  peek(no: string): CacheEntry | undefined {
    return this.entries.get(no)
  }

  set(no: string, entry: CacheEntry): void {
    this.entries.delete(no)
    this.entries.set(no, entry)
    if (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
  }

  delete(no: string): void {
    this.entries.delete(no)
  }

  get size(): number {
    return this.entries.size
  }
}
