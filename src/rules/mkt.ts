/**
 * Mean kinetic temperature, USP <1160> (specs/cold-chain.md "Mean kinetic temperature"):
 *   MKT = (ΔH/R) / −ln( Σ wᵢ·e^(−ΔH/(R·Tᵢ)) / Σ wᵢ ),  T in kelvin,  ΔH/R = 83 144 / 8.3144 = 10 000 K.
 *
 * Weighting for irregular spacing: each reading represents the time until the next reading (the same
 * left-reading attribution the excursion engine uses, see `scan.ts`); an interval longer than the profile's
 * `maxGapMs` is unknown and weighs nothing. When no interval carries weight (a single reading, or only gaps),
 * the readings are weighed equally, which is USP's equally-spaced formula.
 *
 * The accumulator form keeps only Σw and Σw·e^(−ΔH/RT), so a waybill's MKT needs no stored readings.
 */

/** ΔH/R in kelvin (ΔH = 83.144 kJ/mol, R = 8.3144 J/(mol·K)). */
export const DELTA_H_OVER_R_K = 10_000
const KELVIN = 273.15

/** e^(−ΔH/(R·T)) for a temperature in °C: the Arrhenius factor that MKT averages. */
export function arrhenius(tempC: number): number {
  return Math.exp(-DELTA_H_OVER_R_K / (tempC + KELVIN))
}

/** MKT in °C from Σw·e^(−ΔH/RT) and Σw; null when there is no weight. */
export function mktFromSums(weightedFactor: number, weight: number): number | null {
  if (!(weight > 0) || !(weightedFactor > 0)) return null
  return DELTA_H_OVER_R_K / -Math.log(weightedFactor / weight) - KELVIN
}

/** Running sums for a waybill's MKT (plain data, JSON-serialisable). */
export interface MktAccumulator {
  /** Σ wᵢ (ms when time-weighted). */
  weight: number
  /** Σ wᵢ·e^(−ΔH/(R·Tᵢ)). */
  weightedFactor: number
}

export function emptyMkt(): MktAccumulator {
  return { weight: 0, weightedFactor: 0 }
}

/** Adds one temperature with its weight (e.g. the milliseconds it represents); returns a new accumulator. */
export function addToMkt(acc: MktAccumulator, tempC: number, weight: number): MktAccumulator {
  return { weight: acc.weight + weight, weightedFactor: acc.weightedFactor + weight * arrhenius(tempC) }
}

/** Combines two accumulators (e.g. two legs of a trip). */
export function mergeMkt(a: MktAccumulator, b: MktAccumulator): MktAccumulator {
  return { weight: a.weight + b.weight, weightedFactor: a.weightedFactor + b.weightedFactor }
}

/** MKT in °C of the accumulated temperatures; null when empty. */
export function mktOf(acc: MktAccumulator): number | null {
  return mktFromSums(acc.weightedFactor, acc.weight)
}

/** MKT in °C of explicitly weighted temperatures (weight defaults to 1: USP's equally spaced readings). */
export function meanKineticTemperature(
  samples: readonly { tempC: number; weight?: number }[],
): number | null {
  let acc = emptyMkt()
  for (const s of samples) acc = addToMkt(acc, s.tempC, s.weight ?? 1)
  return mktOf(acc)
}

/**
 * Time-weighted MKT in °C of a temperature series in any order: each reading weighs the time to the next one,
 * intervals longer than `maxGapMs` weigh nothing; equal weights when no interval counts.
 */
export function mktOfSeries(
  readings: readonly { ts: number; tempC: number | null }[],
  maxGapMs: number = Number.POSITIVE_INFINITY,
): number | null {
  const sorted = readings
    .filter((r): r is { ts: number; tempC: number } => r.tempC !== null && Number.isFinite(r.tempC))
    .sort((a, b) => a.ts - b.ts)
  let timed = emptyMkt()
  for (let i = 0; i + 1 < sorted.length; i++) {
    const dt = sorted[i + 1]!.ts - sorted[i]!.ts
    if (dt > 0 && dt <= maxGapMs) timed = addToMkt(timed, sorted[i]!.tempC, dt)
  }
  return timed.weight > 0 ? mktOf(timed) : meanKineticTemperature(sorted)
}
