/**
 * The wall clock told in device time, for the monitors that look for silence (the gap tick, the stall sweep).
 * Detection runs on device time (specs/cold-chain.md "Evaluate on device time"), but a device's clock is not the
 * gateway's: a box without NTP, or the demo's fleet replaying a past day, stamps its data hours behind the wall
 * clock, and "now - last device timestamp" would find it silent all the time. So silence is measured from the
 * RECEIPT of the newest data: newest device time `ts`, received at wall time `at`, the device is now at
 * `ts + (now - at)` on its own clock, never before `ts`. It is silent after that long of wall time without
 * anything newer, whatever its clock says, and what it missed starts at its own last timestamp.
 *
 * The receipt is that of the newest reading by device time, not of whatever came last: a straggler (an older
 * reading arriving late) says nothing about now, and the same reading gives the same receipt whether a state
 * is advanced in memory or rebuilt from the store.
 */
import type { ReadingRecord } from '../model.js'
import { evaluable, finite } from '../rules/readings.js'
import { NO_TIME } from '../rules/time.js'
import type { Database } from '../store/database.js'
import type { Segment } from './series.js'

/** The newest device time known from a device, and the wall time it was received. */
export interface Heard {
  ts: number
  at: number
}

/** `wallNow` in the device time of what was `heard`; the wall clock itself when nothing was. */
export const deviceNow = (heard: Heard | null, wallNow: number): number =>
  heard === null ? wallNow : heard.ts + Math.max(0, wallNow - heard.at)

/** A reading the engine takes as a temperature (src/rules/readings.ts): only those end a silence. */
const carriesTemperature = (r: ReadingRecord): boolean => evaluable(r) && finite(r.tempC) !== null

/**
 * When the newest temperature was received, after `readings` were taken in: `newest` is its device time now,
 * `before` what was known before them (its device time and receipt). Times are `NO_TIME` where there is none
 * (the monitoring cache keeps them as numbers only: state-cache.ts), and so is the result.
 */
export function receiptOfNewest(newest: number, before: Heard, readings: readonly ReadingRecord[]): number {
  let at = newest === before.ts ? before.at : NO_TIME
  for (const r of readings) {
    if (r.ts === newest && carriesTemperature(r) && (at === NO_TIME || r.receivedAt > at)) at = r.receivedAt
  }
  return at
}

/** Receipt times from the store, for states rebuilt from it (a restart, an eviction, a custody change). */
export class Receipts {
  private readonly s

  constructor(db: Database) {
    this.s = {
      // The newest reading of one segment's sensor (as series.ts selects them) that carries a temperature.
      newest: db.prepare<[string, number, number], Heard>(
        `SELECT ts, received_at AS at FROM readings WHERE device_id = ? AND ts >= ? AND ts < ?
            AND quality <> 'sensor_fault' AND temp_c IS NOT NULL ORDER BY ts DESC, received_at DESC LIMIT 1`,
      ),
      pickup: db
        .prepare<[string, number], number | null>(
          `SELECT MIN(received_at) FROM tracking_nodes WHERE waybill = ? AND event = 'pickup' AND ts = ?`,
        )
        .pluck(),
    }
  }

  /** The newest temperature reading of a waybill's series (series.ts segments) and when it was received. */
  ofSeries(segments: readonly Segment[]): Heard | null {
    let newest: Heard | null = null
    for (const seg of segments) {
      for (const device of seg.devices) {
        const h = this.s.newest.get(device, seg.from, seg.to ?? Number.MAX_SAFE_INTEGER)
        if (h && (!newest || h.ts > newest.ts || (h.ts === newest.ts && h.at > newest.at))) newest = h
      }
    }
    return newest
  }

  /** When the pickup scan at device time `pickedUpAt` was received. */
  ofPickup(no: string, pickedUpAt: number): number | null {
    return this.s.pickup.get(no, pickedUpAt) ?? null
  }
}
