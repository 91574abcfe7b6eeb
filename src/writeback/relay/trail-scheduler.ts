/**
 * Temperature trail batches (issue "Writeback": "periodic per waybill"): every `trailSweepMs` it looks at the
 * waybills on the move, and for each target that takes trails (webhook; `trailIntervalMs` > 0), cuts the batch
 * of every waybill whose last batch is one interval old, plus a final batch up to delivery. Each batch is an
 * outbox row written with its cursor in one transaction, so a restart neither repeats nor skips a window
 * (device time [cursor, now)). Readings back-filled into a window already cut are not re-sent: the excursion
 * engine re-evaluates them, and its notices say what they changed.
 */
import type { Logger } from '../../log.js'
import type { Database } from '../../store/database.js'
import { enqueues, metaAccepts, type TargetMeta } from '../outbox/targets.js'
import { TrailBuilder } from '../outbox/trail.js'
import type { OutboxWriter } from '../outbox/writer.js'
import type { OrderRef, TemperatureTrailEvent } from '../types.js'
import type { Timers } from './timers.js'

interface WaybillRow {
  no: string
  status: string
  picked_up_at: number | null
  delivered_at: number | null
}

export interface TrailSchedulerDeps {
  db: Database
  writer: OutboxWriter
  log: Logger
  clock: () => number
  timers: Timers
  sweepMs: number
  /** Called when batches were written (wakes the relay). */
  onWritten: () => void
}

/** A trail event carrying `orders`, enough for `metaAccepts` (type, subscription, merchant). */
function probe(orders: OrderRef[]): TemperatureTrailEvent {
  return { type: 'temperature.trail', orders } as unknown as TemperatureTrailEvent
}

/** Whether the target takes trails at all: its adapter carries them and it subscribed to them. */
function takesTrails(t: TargetMeta): boolean {
  return enqueues(t) && t.trailIntervalMs > 0 && metaAccepts({ ...t, merchantId: undefined }, probe([]))
}

export class TrailScheduler {
  private readonly builder: TrailBuilder
  private readonly s
  private timer: unknown = null
  private running = false

  constructor(private readonly deps: TrailSchedulerDeps) {
    const { db, writer } = deps
    this.builder = new TrailBuilder(db, writer.lookup)
    this.s = {
      waybills: db.prepare<[number], WaybillRow>(
        `SELECT no, status, picked_up_at, delivered_at FROM waybills
          WHERE status IN ('picked_up', 'in_transit', 'out_for_delivery', 'exception')
         UNION ALL
         SELECT no, status, picked_up_at, delivered_at FROM waybills
          WHERE status = 'delivered' AND delivered_at >= ?`,
      ),
      cursor: db
        .prepare<[string, string], number>(
          'SELECT until_ts FROM writeback_trail_cursors WHERE target_id = ? AND waybill = ?',
        )
        .pluck(),
      setCursor: db.prepare(
        `INSERT INTO writeback_trail_cursors (target_id, waybill, until_ts) VALUES (?, ?, ?)
         ON CONFLICT (target_id, waybill) DO UPDATE SET until_ts = excluded.until_ts`,
      ),
    }
  }

  start(): void {
    this.running = true
    this.arm()
  }

  stop(): void {
    this.running = false
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer)
    this.timer = null
  }

  /** Cuts every batch due at `now`; returns how many rows were written. */
  runOnce(now: number): number {
    const targets = this.deps.writer.targets.all().filter(takesTrails)
    if (targets.length === 0) return 0
    const longest = Math.max(...targets.map((t) => t.trailIntervalMs))
    let written = 0
    for (const w of this.s.waybills.all(now - 2 * longest - this.deps.sweepMs)) {
      if (w.picked_up_at === null) continue
      const orders = this.deps.writer.lookup.ordersOfWaybill(w.no)
      for (const target of targets) written += this.cut(target, w, orders, now)
    }
    if (written > 0) this.deps.onWritten()
    return written
  }

  private cut(target: TargetMeta, w: WaybillRow, orders: OrderRef[], now: number): number {
    if (!metaAccepts(target, probe(orders))) return 0
    const from = this.s.cursor.get(target.id, w.no) ?? Math.max(w.picked_up_at ?? now, target.createdAt)
    const end = w.status === 'delivered' && w.delivered_at !== null ? Math.min(now, w.delivered_at + 1) : now
    const final = w.status === 'delivered' && from < end
    if (end <= from || (!final && end - from < target.trailIntervalMs)) return 0
    let wrote = false
    this.deps.db.transaction(() => {
      const event = this.builder.build(target.id, w.no, orders, from, end, now)
      if (event) wrote = this.deps.writer.writeFor(target, event, now)
      this.s.setCursor.run(target.id, w.no, end)
    })()
    return wrote ? 1 : 0
  }

  private arm(): void {
    if (!this.running) return
    this.timer = this.deps.timers.setTimeout(() => {
      try {
        this.runOnce(this.deps.clock())
      } catch (err) {
        this.deps.log.error({ err }, 'trail batches failed; trying again at the next sweep')
      }
      this.arm()
    }, this.deps.sweepMs)
  }
}
