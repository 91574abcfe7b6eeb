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

function finite(v: number | null | undefined): number | null {
  return v !== null && v !== undefined && Number.isFinite(v) ? v : null
}

/** The evaluable part of a reading, or null when it has none. */
export function toSample(r: RuleReading): Sample | null {
  if (r.quality === 'sensor_fault' || !Number.isFinite(r.ts)) return null
  const t = finite(r.tempC)
  const h = finite(r.rh)
  return t === null && h === null ? null : { ts: r.ts, t, h }
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

/** Evaluable readings of a batch, sorted by the engine's order, duplicates removed. */
export function prepareBatch(readings: readonly RuleReading[]): Incoming[] {
  const out: Incoming[] = []
  for (const reading of readings) {
    const sample = toSample(reading)
    if (sample) out.push({ sample, reading })
  }
  out.sort((a, b) => compareSamples(a.sample, b.sample))
  return out.filter((x, i) => i === 0 || compareSamples(out[i - 1]!.sample, x.sample) !== 0)
}

/** ISO-8601 for messages and ids. */
export function iso(ts: number): string {
  return new Date(ts).toISOString()
}
