/**
 * The trail summary of a waybill (issue 3 "Trail": min, max, mean, MKT, time out of range, budget left, time
 * unknown). Mean and MKT are time-weighted with the engine's attribution: each reading stands for the time
 * until the next one, data gaps weigh nothing (scan.ts, mkt.ts).
 */

import type { TemperatureProfile } from './profiles.js'
import { evaluateSeries } from './report.js'
import type { Report, RuleReading } from './types.js'

export interface TrailSummary {
  /** Temperature readings evaluated. */
  readings: number
  /** Readings flagged `sensor_fault`: kept in the trail, not evaluated. */
  faults: number
  firstTs: number | null
  lastTs: number | null
  minC: number | null
  maxC: number | null
  /** Time-weighted mean, °C. */
  meanC: number | null
  /** Mean kinetic temperature (USP <1160>), °C. */
  mktC: number | null
  outOfRangeMs: number
  budgetMs: number | null
  budgetLeftMs: number | null
  budgetExhaustedAt: number | null
  /** Time inside data gaps. */
  unknownMs: number
  excursions: number
  /** Excursions still ongoing at the newest reading. */
  openExcursions: number
  gaps: number
}

/** The summary of an engine report (e.g. of the live state: `summarizeReport(report(state, params))`). */
export function summarizeReport(r: Report, faults = 0): TrailSummary {
  return {
    readings: r.stats.readings,
    faults,
    firstTs: r.stats.firstTs,
    lastTs: r.stats.lastTs,
    minC: r.stats.minC,
    maxC: r.stats.maxC,
    meanC: r.stats.meanC,
    mktC: r.stats.mktC,
    outOfRangeMs: r.budget.outOfRangeMs,
    budgetMs: r.budget.budgetMs,
    budgetLeftMs: r.budget.leftMs,
    budgetExhaustedAt: r.budget.exhaustedAt,
    unknownMs: r.stats.unknownMs,
    excursions: r.excursions.length,
    openExcursions: r.excursions.filter((e) => e.endTs === null).length,
    gaps: r.gaps.length,
  }
}

/** The summary of a waybill's readings, in any order. */
export function summarizeTrail(readings: readonly RuleReading[], profile: TemperatureProfile): TrailSummary {
  const faults = readings.filter((r) => r.quality === 'sensor_fault').length
  return summarizeReport(evaluateSeries(readings, { profile }), faults)
}
