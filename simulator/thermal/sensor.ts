/**
 * What a sensor reports of a true value: gaussian noise, then quantisation to its resolution (a 0.1 °C sensor
 * reports 4.3, never 4.2817). Humidity is clamped to 0..100 as a real capacitive sensor's output is.
 */
import type { Rng } from './prng.js'

/** Accuracy and resolution of one sensor. */
export interface SensorParams {
  noiseSdC: number
  resolutionC: number
  rhNoiseSd: number
  rhResolution: number
}

export const standardSensor: SensorParams = { noiseSdC: 0.1, resolutionC: 0.1, rhNoiseSd: 1, rhResolution: 1 }

/** `value` rounded to a multiple of `step`, without binary-fraction tails (4.300000000001). */
export function quantise(value: number, step: number): number {
  if (step <= 0) return value
  const decimals = Math.max(0, Math.ceil(-Math.log10(step)))
  return Number((Math.round(value / step) * step).toFixed(decimals))
}

/** One measurement of the true temperature and humidity. */
export function measure(rng: Rng, p: SensorParams, tempC: number, rh: number): { tempC: number; rh: number } {
  const t = quantise(tempC + rng.gaussian(0, p.noiseSdC), p.resolutionC)
  const h = quantise(Math.min(100, Math.max(0, rh + rng.gaussian(0, p.rhNoiseSd))), p.rhResolution)
  return { tempC: t, rh: h }
}
