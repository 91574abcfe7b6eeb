/**
 * One temperature trail batch: the readings that applied to a waybill over [from, to) of device time — those of
 * the sensor of the innermost sensored container around it at each reading's time (custody/exposure.ts) — with
 * their summary (min, max, time-weighted mean, MKT, time out of range under the waybill's profile).
 *
 * The batch's budget figure is left null: a budget is spent over the whole shipment, and a batch sees only its
 * own window; the excursion notices carry what the budget means for the waybill.
 */
import { custodyOf } from '../../custody/service.js'
import type { ReadingQuality } from '../../model.js'
import { mktOfSeries } from '../../rules/mkt.js'
import { summarizeTrail } from '../../rules/summary.js'
import type { Database } from '../../store/database.js'
import type { OrderRef, TemperatureTrailEvent, TrailPoint } from '../types.js'
import { trailEventId } from './ids.js'
import type { WritebackLookup } from './lookup.js'

/** Most readings per batch; a denser window is thinned evenly. */
const MAX_POINTS = 2000

interface ReadingRow {
  device_id: string
  ts: number
  temp_c: number | null
  rh: number | null
  quality: ReadingQuality
}

export class TrailBuilder {
  private readonly readings

  constructor(
    private readonly db: Database,
    private readonly lookup: WritebackLookup,
  ) {
    this.readings = db.prepare<[string, number, number], ReadingRow>(
      `SELECT device_id, ts, temp_c, rh, quality FROM readings WHERE device_id = ? AND ts >= ? AND ts < ?
        ORDER BY ts LIMIT 20000`,
    )
  }

  /** The batch for one target, or null when no reading applied to the waybill in the window. */
  build(
    targetId: string,
    waybill: string,
    orders: OrderRef[],
    from: number,
    to: number,
    now: number,
  ): TemperatureTrailEvent | null {
    const rows = this.applying(waybill, from, to)
    if (rows.length === 0) return null
    const points: TrailPoint[] = thin(rows).map((r) => ({ ts: r.ts, tempC: r.temp_c, rh: r.rh }))
    const series = rows.map((r) => ({ ts: r.ts, tempC: r.temp_c, rh: r.rh, quality: r.quality }))
    const temps = series.filter((r) => r.quality === 'ok' && r.tempC !== null).map((r) => r.tempC as number)
    const profile = this.lookup.profileOf(waybill)
    const summary = profile ? summarizeTrail(series, profile) : null
    return {
      type: 'temperature.trail',
      eventId: trailEventId(targetId, waybill, from),
      occurredAt: now,
      waybill,
      orders,
      from,
      to,
      points,
      summary: {
        count: temps.length,
        minC: summary?.minC ?? (temps.length ? Math.min(...temps) : null),
        maxC: summary?.maxC ?? (temps.length ? Math.max(...temps) : null),
        meanC: summary?.meanC ?? (temps.length ? temps.reduce((a, b) => a + b, 0) / temps.length : null),
        mktC: summary?.mktC ?? mktOfSeries(series.filter((r) => r.quality === 'ok')),
        outOfRangeMs: summary?.outOfRangeMs ?? 0,
        budgetLeftMs: null,
      },
    }
  }

  /** Readings of the sensors that applied to the waybill in [from, to), each checked at its own time. */
  private applying(waybill: string, from: number, to: number): ReadingRow[] {
    const exposure = custodyOf(this.db).exposure
    const step = Math.max(60_000, Math.floor((to - from) / 12))
    const candidates = new Set<string>()
    for (let t = from; t < to; t += step) {
      for (const d of exposure.sensorForWaybillAt(waybill, t)?.devices ?? []) candidates.add(d)
    }
    for (const d of exposure.sensorForWaybillAt(waybill, to - 1)?.devices ?? []) candidates.add(d)
    const out: ReadingRow[] = []
    for (const device of candidates) {
      for (const r of this.readings.all(device, from, to)) {
        if (exposure.sensorForWaybillAt(waybill, r.ts)?.devices.includes(device)) out.push(r)
      }
    }
    return out.sort((a, b) => a.ts - b.ts)
  }
}

function thin<T>(rows: T[]): T[] {
  if (rows.length <= MAX_POINTS) return rows
  const every = rows.length / MAX_POINTS
  return Array.from({ length: MAX_POINTS }, (_, i) => rows[Math.floor(i * every)] as T)
}
