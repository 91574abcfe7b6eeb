/**
 * Outside air over the day: a sinusoid between a night minimum and an afternoon maximum, with relative humidity
 * moving the other way (warm afternoons are drier), which is how a summer day in a coastal city behaves.
 */

const HOUR_MS = 3_600_000

/** The day's weather. Hours are local: `utcOffsetH` converts epoch time to the local clock. */
export interface AmbientParams {
  minC: number
  maxC: number
  /** Local hour of the maximum; the minimum falls 12 h earlier. */
  peakHour: number
  utcOffsetH: number
  /** Relative humidity at the coldest and at the warmest moment, %. */
  rhAtMin: number
  rhAtMax: number
}

export const summerDay: AmbientParams = {
  minC: 24,
  maxC: 33,
  peakHour: 15,
  utcOffsetH: 8,
  rhAtMin: 88,
  rhAtMax: 60,
}

/** The local hour (0 ≤ h < 24, fractional) of an epoch time. */
export function localHour(p: AmbientParams, epochMs: number): number {
  const h = (epochMs / HOUR_MS + p.utcOffsetH) % 24
  return h < 0 ? h + 24 : h
}

/** Outside temperature and humidity at an epoch time. */
export function ambientAt(p: AmbientParams, epochMs: number): { tempC: number; rh: number } {
  // w = 1 at the peak hour, 0 twelve hours away.
  const w = (1 + Math.cos((2 * Math.PI * (localHour(p, epochMs) - p.peakHour)) / 24)) / 2
  return { tempC: p.minC + (p.maxC - p.minC) * w, rh: p.rhAtMin + (p.rhAtMax - p.rhAtMin) * w }
}
