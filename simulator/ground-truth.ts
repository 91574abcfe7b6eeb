/**
 * The ground truth a scenario run writes: what a correct gateway must find in the data the fleet actually
 * published. Every time is ISO-8601 UTC; times of readings and scans are the DEVICE's timestamps as published
 * (the gateway evaluates on device time), so a skewed clock shifts them exactly as the gateway sees them.
 *
 * Definitions (the rules used are embedded under `rules`, per profile):
 * - Custody window of a waybill: from the `ts` of its first `pickup` scan to the `ts` of its `delivered` scan
 *   (open when it was not delivered within the run).
 * - Series of a waybill: the readings (unique per device and seq) of the sensor in its innermost container (its
 *   box, or the truck when it rides loose) whose `ts` lies in the custody window, in `ts` order, without sensor
 *   faults (a value outside `rules.sensorRange` is a fault: reported under `sensorFaults`, never evaluated).
 * - Out of range: value < low or value > high (the bounds themselves are in range).
 * - Excursion (temperature, or humidity when the profile has humidity bounds): it starts at the first reading out
 *   of range on one side. Each reading stands until the next one (as for the budget below), so a run of readings
 *   out of range on that side, no two consecutive further apart than maxGap (a gap is unknown, so it breaks a run
 *   that is not yet confirmed), is confirmed by the first reading at or after start + alarmDelay (rhAlarmDelay for
 *   humidity), whatever that reading's own value: by then the value has been out for the delay. Temperature
 *   only: once the cumulative budget is exceeded (after `budget.exhaustedAt`), a run is confirmed at its first
 *   reading past that instant (issue 3: an excursion opens "when the value stays out of range for the delay, or
 *   when the waybill's cumulative out-of-range time exceeds its budget"). A confirmed excursion ends at the first
 *   reading back inside by the hysteresis (≤ high − h, or ≥ low + h), which may be the confirming reading itself;
 *   `end` null means it was still open at the end of the data. `peak` is the extreme reading from start to end.
 * - Data gap: two consecutive readings of the series (or the custody start and the first reading, or the last
 *   reading and delivery) further apart than maxGap. Readings that were buffered offline and back-filled close a
 *   gap: a back-filled period is NOT a gap.
 * - Budget: the time out of range accumulated over the series (each out-of-range reading counts until the next
 *   reading, when that is within maxGap); `exhaustedAt` is when it passed the profile's budget.
 * - Stall: two consecutive tracking nodes (scans, by `ts`) of a waybill further apart than the SLA tier's limit,
 *   or a last node before delivery older than the limit at the end of the run (`until` null).
 */
import { z } from 'zod'

const iso = z.iso.datetime({ offset: true })

export const profileRulesSchema = z.object({
  lowC: z.number().nullable(),
  highC: z.number().nullable(),
  rhLow: z.number().nullable(),
  rhHigh: z.number().nullable(),
  alarmDelayMs: z.number().int().nonnegative(),
  rhAlarmDelayMs: z.number().int().nonnegative(),
  hysteresisC: z.number().nonnegative(),
  rhHysteresis: z.number().nonnegative(),
  /** Cumulative out-of-range budget per waybill (temperature); null: none. */
  budgetMs: z.number().int().positive().nullable(),
  maxGapMs: z.number().int().positive(),
})
export type ProfileRules = z.infer<typeof profileRulesSchema>

export const rulesSchema = z.object({
  profiles: z.record(z.string(), profileRulesSchema),
  slaNodeLimitMs: z.record(z.string(), z.number().int().positive()),
  sensorRange: z.object({ minC: z.number(), maxC: z.number() }),
})
export type TruthRules = z.infer<typeof rulesSchema>

export const excursionSchema = z.object({
  kind: z.enum(['temperature', 'humidity']),
  side: z.enum(['high', 'low']),
  deviceId: z.string(),
  start: iso,
  end: iso.nullable(),
  peak: z.number(),
  /** Device time of the reading that confirmed it (start + alarm delay or later). */
  confirmedAt: iso,
  /** Wall time the confirming reading was acknowledged by the broker: detection delay is measured from here. */
  confirmedAckAt: iso,
  /** Confirmed by a back-filled reading: a live detector could only open it retroactively. */
  late: z.boolean(),
  /** The same start in true time (differs from `start` by the sensor's clock skew). */
  trueStart: iso,
})
export type TruthExcursion = z.infer<typeof excursionSchema>

export const gapSchema = z.object({
  deviceId: z.string(),
  start: iso,
  end: iso,
  durationMs: z.number().int(),
})
export type TruthGap = z.infer<typeof gapSchema>

export const stallSchema = z.object({
  /** The last node before the stall. */
  since: iso,
  lastEvent: z.string(),
  /** since + the tier's limit: when a detector should raise it. */
  due: iso,
  /** The next node, or null when the waybill was still stalled at the end of the run. */
  until: iso.nullable(),
})
export type TruthStall = z.infer<typeof stallSchema>

export const waybillTruthSchema = z.object({
  /** The number the gateway knows it by (the gateway's answer to the order, else the simulator's). */
  no: z.string(),
  simNo: z.string(),
  orderId: z.string().nullable(),
  platform: z.string(),
  platformOrderId: z.string(),
  scenario: z.string(),
  profile: z.string(),
  slaTier: z.string(),
  container: z.string(),
  sensorId: z.string(),
  custody: z.object({ from: iso.nullable(), to: iso.nullable() }),
  readings: z.number().int(),
  excursions: z.array(excursionSchema),
  gaps: z.array(gapSchema),
  stalls: z.array(stallSchema),
  budget: z.object({
    budgetMs: z.number().int().nullable(),
    outOfRangeMs: z.number().int(),
    exhaustedAt: iso.nullable(),
  }),
})
export type WaybillTruth = z.infer<typeof waybillTruthSchema>

export const sensorFaultSchema = z.object({
  deviceId: z.string(),
  seq: z.number().int(),
  ts: iso,
  value: z.number(),
  waybills: z.array(z.string()),
})
export type TruthSensorFault = z.infer<typeof sensorFaultSchema>

export const deviceTruthSchema = z.object({
  id: z.string(),
  kind: z.string(),
  container: z.string().nullable(),
  clockSkewMs: z.number().int(),
  readings: z.number().int(),
  backfilled: z.number().int(),
  lost: z.number().int(),
  scans: z.number().int(),
})

export const groundTruthSchema = z.object({
  version: z.literal(1),
  seed: z.number().int(),
  runId: z.string(),
  scenarios: z.array(z.string()),
  start: iso,
  end: iso,
  rules: rulesSchema,
  devices: z.array(deviceTruthSchema),
  waybills: z.array(waybillTruthSchema),
  sensorFaults: z.array(sensorFaultSchema),
  platformOutages: z.array(
    z.object({ from: iso, to: iso.nullable(), fault: z.record(z.string(), z.unknown()) }),
  ),
  totals: z.object({
    messages: z.number().int(),
    readings: z.number().int(),
    scans: z.number().int(),
    resends: z.number().int(),
    lostReadings: z.number().int(),
  }),
})
export type GroundTruth = z.infer<typeof groundTruthSchema>

/** Parses a truth file's JSON, throwing a readable error when it does not match the schema. */
export function parseGroundTruth(json: unknown): GroundTruth {
  const parsed = groundTruthSchema.safeParse(json)
  if (!parsed.success) throw new Error(`not a ground-truth file: ${z.prettifyError(parsed.error)}`)
  return parsed.data
}
