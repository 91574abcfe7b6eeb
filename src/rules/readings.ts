/**
 * Readings as the engine sees them: device time and the values it can evaluate, in one total order.
 *
 * - A `sensor_fault` reading is not a temperature (model.ts: "kept, not evaluated"): it is dropped here, so for
 *   gap purposes it counts as missing data — a faulty sensor for longer than `maxGapMs` is a data gap.
 * - A value that is null or not finite is missing for its channel only (a reading without `rh` still counts
 *   for temperature).
 * - Order: device time, then temperature, then humidity (nulls first). Readings with equal device time are thus
 *   ordered by content, never by arrival, which keeps evaluation independent of arrival order. Two readings
 *   equal on all three are one reading (a re-sent duplicate changes nothing).
 */
import type { RuleReading } from './types.js'

/** A reading reduced to what evaluation needs. */
export interface Sample {
  ts: number
  /** Temperature °C, or null when this reading has none. */
  t: number | null
  /** Relative humidity %, or null. */
  h: number | null
}

/** A sample with the reading it came from (only while one call runs; never stored). */
export interface Incoming {
  sample: Sample
  reading: RuleReading
}

/** A reading's value for one channel: null when missing or not finite. */
export function finite(v: number | null | undefined): number | null {
  return v !== null && v !== undefined && Number.isFinite(v) ? v : null
}

/** Whether a reading has anything to evaluate: a sample's `t` and `h` are then `finite` of its values. */
export function evaluable(r: RuleReading): boolean {
  return (
    r.quality !== 'sensor_fault' &&
    Number.isFinite(r.ts) &&
    (finite(r.tempC) !== null || finite(r.rh) !== null)
  )
}

/** The evaluable part of a reading, or null when it has none. */
export function toSample(r: RuleReading): Sample | null {
  return evaluable(r) ? { ts: r.ts, t: finite(r.tempC), h: finite(r.rh) } : null
}

function compareNullable(a: number | null, b: number | null): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  return a - b
}

/** The engine's total order on samples. */
export function compareSamples(a: Sample, b: Sample): number {
  return a.ts - b.ts || compareNullable(a.t, b.t) || compareNullable(a.h, b.h)
}

/**
 * `compareSamples` of an evaluable reading and a sample given by its parts, on the reading's own fields: no
 * sample is built, and the reading's values are read only when the device times tie.
 */
export function compareReading(r: RuleReading, ts: number, t: number | null, h: number | null): number {
  return r.ts - ts || compareNullable(finite(r.tempC), t) || compareNullable(finite(r.rh), h)
}

/** `compareSamples` of two evaluable readings, on their own fields (see `compareReading`). */
export function compareReadings(a: RuleReading, b: RuleReading): number {
  return compareReading(a, b.ts, finite(b.tempC), finite(b.rh))
}

/** Evaluable readings of a batch, sorted by the engine's order, duplicates removed. */
export function prepareBatch(readings: readonly RuleReading[]): Incoming[] {
  const out: Incoming[] = []
  let ordered = true
  for (const reading of readings) {
    const sample = toSample(reading)
    if (!sample) continue
    const prev = out[out.length - 1]
    if (prev && compareSamples(prev.sample, sample) >= 0) ordered = false
    out.push({ sample, reading })
  }
  // Batches mostly come sorted and distinct (one reading, a device's own upload): no sort and no copy then.
  if (ordered) return out
  out.sort((a, b) => compareSamples(a.sample, b.sample))
  return out.filter((x, i) => i === 0 || compareSamples(out[i - 1]!.sample, x.sample) !== 0)
}

/** ISO-8601 for messages and ids. */
export function iso(ts: number): string {
  return new Date(ts).toISOString()
}
