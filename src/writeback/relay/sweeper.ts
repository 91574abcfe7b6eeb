/**
 * The relay's housekeeping, every `sweepIntervalMs`: dead-letters rows of active targets still undelivered at
 * their deadline (default 3 days after they were written; rows of a paused or gone target wait, and get a fresh
 * deadline when it is re-enabled), deletes delivered rows past `deliveredRetentionMs`, and sets the outbox
 * gauges (pending rows, age of the oldest, dead rows) per target.
 */
import type { Logger } from '../../log.js'
import type { Metrics } from '../../metrics.js'
import type { Database } from '../../store/database.js'
import type { OutboxStore } from '../outbox/store.js'
import type { TargetRuntime } from './target-runtime.js'

const BATCH = 1000

export interface SweepOptions {
  deliveredRetentionMs: number
}

export class Sweeper {
  constructor(
    private readonly db: Database,
    private readonly store: OutboxStore,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly options: SweepOptions,
  ) {}

  run(now: number, runtimes: Iterable<TargetRuntime>): void {
    const all = [...runtimes]
    for (const rt of all) if (rt.active) this.expire(rt, now)
    if (this.options.deliveredRetentionMs > 0) {
      const purged = this.store.purgeDelivered(now - this.options.deliveredRetentionMs, 10 * BATCH)
      if (purged > 0) this.log.debug({ purged }, 'purged delivered outbox rows')
    }
    const stats = this.store.stats()
    for (const rt of all) {
      const s = stats.get(rt.id)
      const target = rt.id
      this.metrics.writebackDepth.set({ target }, s?.pending ?? 0)
      this.metrics.writebackOldest.set({ target }, s?.oldest == null ? 0 : Math.max(0, now - s.oldest) / 1000)
      this.metrics.writebackDeadRows.set({ target }, s?.dead ?? 0)
    }
  }

  private expire(rt: TargetRuntime, now: number): void {
    const rows = this.store.expired(rt.id, now, BATCH).filter((r) => !rt.rows.has(r.id))
    if (rows.length === 0) return
    let dead = 0
    this.db
      .transaction(() => {
        for (const r of rows) {
          if (
            this.store.markDead(
              { id: r.id, targetId: rt.id, orderingKey: r.orderingKey },
              'expired',
              now,
              null,
            )
          )
            dead += 1
        }
      })
      .immediate()
    this.metrics.writebackDead.inc({ target: rt.id, cause: 'expired' }, dead)
    this.log.warn({ target: rt.id, rows: dead }, 'outbox rows dead-lettered: undelivered past their deadline')
  }
}
