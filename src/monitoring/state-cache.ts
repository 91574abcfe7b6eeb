/**
 * The engine states in memory, one per waybill, least recently used evicted beyond a bound (an evicted or
 * missing state is rebuilt from the store: monitor.ts). A use only stamps the entry's slot: re-inserting into the
 * Map on every use (the usual LRU) makes V8 rebuild its table every few thousand uses — hundreds of kilobytes
 * of garbage a second on the hot path. Beyond the bound, the least recently used eighth goes at once.
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
   * silence from it (device-clock.ts). `NO_TIME` while there is none: written on every reading, it holds numbers
   * only, like the state's own time fields (src/rules/time.ts `NO_TIME`).
   */
  heardAt: number
  generation: number
}

interface Slot {
  entry: CacheEntry
  /** When it was last used (a count of uses). */
  used: number
}

export class StateCache {
  private readonly entries = new Map<string, Slot>()
  private uses = 0
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
      else for (const [no, slot] of this.entries) if (slot.entry.generation > current) this.entries.delete(no)
    }
    this.written = this.s.bump.get() as number
    return this.written
  }

  get(no: string): CacheEntry | undefined {
    const slot = this.entries.get(no)
    if (!slot) return undefined
    slot.used = ++this.uses
    return slot.entry
  }

  /** Like `get`, without counting as a use (the timers look at every waybill). */
  peek(no: string): CacheEntry | undefined {
    return this.entries.get(no)?.entry
  }

  set(no: string, entry: CacheEntry): void {
    const slot = this.entries.get(no)
    if (slot) {
      slot.entry = entry
      slot.used = ++this.uses
      return
    }
    this.entries.set(no, { entry, used: ++this.uses })
    if (this.entries.size > this.max) this.evict()
  }

  delete(no: string): void {
    this.entries.delete(no)
  }

  /** Drops the least recently used down to seven eighths of the bound: one sort per max/8 new entries. */
  private evict(): void {
    const oldestFirst = [...this.entries].sort((a, b) => a[1].used - b[1].used)
    const excess = this.entries.size - this.max + Math.floor(this.max / 8)
    for (let i = 0; i < excess; i++) this.entries.delete(oldestFirst[i]![0])
  }

  get size(): number {
    return this.entries.size
  }
}
