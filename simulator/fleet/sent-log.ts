/**
 * What the fleet actually published and had acknowledged, with both clocks: true (simulated) time and the device's
 * own timestamp, plus the wall time of the acknowledgement. Ground truth is computed from this record, not from the
 * plan, so it describes exactly the data a detector received.
 */
import type { ScanEvent } from './plan.js'

/** A reading the broker acknowledged. `ts` is the device's timestamp as epoch ms. */
export interface SentReading {
  deviceId: string
  seq: number
  ts: number
  tempC: number
  rh: number | null
  doorOpen: boolean | null
  /** True time of the measurement. */
  trueAt: number
  /** True time it was published (later than `trueAt` when it waited in the device's buffer). */
  sentAt: number
  /** Wall-clock time of the acknowledgement. */
  ackedAtWall: number
  /** Published inside a `{ readings: [...] }` batch after an offline period. */
  backfilled: boolean
}

/** A scan the broker acknowledged. */
export interface SentScan {
  deviceId: string
  seq: number
  ts: number
  waybill: string
  event: ScanEvent
  container: string | null
  site: string | null
  trueAt: number
  sentAt: number
  ackedAtWall: number
}

/** A reading measured while offline and lost with the buffer (never published). */
export interface LostReading {
  deviceId: string
  seq: number
  ts: number
  trueAt: number
}

export class SentLog {
  readonly readings: SentReading[] = []
  readonly scans: SentScan[] = []
  readonly lost: LostReading[] = []
  /** Messages acknowledged (a batch counts once). */
  messages = 0
  /** Messages published again after their first attempt was not acknowledged. */
  resends = 0
  /** Publish attempts that failed (each is re-queued). */
  failures = 0
}
