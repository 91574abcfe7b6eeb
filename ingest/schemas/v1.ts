/**
 * Version 1 of the device payloads (ARCHITECTURE.md, device contract). A payload may say `"v": 1`; absent means 1.
 * Values are checked for type and shape here; physical plausibility (a 900 °C reading) is judged after, so that a
 * faulty sensor's reading is kept as a fault rather than refused.
 */
import { z } from 'zod'
import { scanEvents } from '../../src/model.js'

/** ISO-8601 with an explicit offset, or epoch milliseconds. A time without a zone is ambiguous and refused. */
const isoWithZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/
export const timestamp = z.union([
  z.number().int().nonnegative(),
  z.string().regex(isoWithZone, 'ISO-8601 date-time with a UTC offset (e.g. 2026-01-01T00:10:00Z)'),
])

export const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
const finite = z.number().refine(Number.isFinite, 'must be a finite number')

export const readingV1 = z.object({
  v: z.literal(1).optional(),
  ts: timestamp,
  seq,
  temp_c: finite,
  rh: finite.optional(),
  door_open: z.boolean().optional(),
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
  battery_pct: z.number().min(0).max(100).optional(),
})
export type ReadingV1 = z.infer<typeof readingV1>

/** A batch is checked shallowly first, then reading by reading, so one bad reading does not sink the rest. */
export const batchV1 = z.object({
  v: z.literal(1).optional(),
  readings: z.array(z.unknown()).min(1, 'a batch holds at least one reading'),
})

export const scanV1 = z.object({
  v: z.literal(1).optional(),
  ts: timestamp,
  seq,
  waybill: z.string().trim().min(1).max(64),
  event: z.enum(scanEvents),
  container: z.string().trim().min(1).max(64).optional(),
  location: z
    .object({
      name: z.string().max(200).optional(),
      lat: z.number().min(-90).max(90).optional(),
      lon: z.number().min(-180).max(180).optional(),
    })
    .optional(),
  operator: z.string().max(100).optional(),
  note: z.string().max(1000).optional(),
})
export type ScanV1 = z.infer<typeof scanV1>

export const statusV1 = z.object({
  v: z.literal(1).optional(),
  ts: timestamp,
  online: z.boolean(),
  fw: z.string().max(64).optional(),
  battery_pct: z.number().min(0).max(100).optional(),
})
export type StatusV1 = z.infer<typeof statusV1>
