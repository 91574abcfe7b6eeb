/**
 * Reading a state: the full report of a waybill (excursions, gaps, pending runs, budget, statistics), and the
 * reference evaluation of a series that the incremental processors must always agree with.
 */
import { buildState } from './engine.js'
import { mktFromSums } from './mkt.js'
import { budgetOf, contextOf, createState, type ExcursionState, tail } from './state.js'
import { timeOrNull } from './time.js'
import type { EngineParams, Pending, Report, RuleReading } from './types.js'

/** Everything the state knows: excursions and gaps (closed and ongoing), pending runs, budget, statistics. */
export function report(state: ExcursionState, params: EngineParams): Report {
  const ctx = contextOf(params.profile)
  const all = tail(state, ctx, 0, 0)
  const byStart = (a: { startTs: number }, b: { startTs: number }) => a.startTs - b.startTs
  const pending: Pending[] = []
  for (const [ch, kind] of [
    [state.scan.temp, 'temperature'],
    [state.scan.rh, 'humidity'],
  ] as const) {
    const run = ch.run
    if (run && run.openedAt === null)
      pending.push({ kind, side: run.side, since: run.startTs, peak: run.peak })
  }
  const t = state.scan.totals
  const timed = t.weightMs > 0
  const any = t.readings > 0
  return {
    excursions: all.excursions.sort(byStart),
    gaps: all.gaps.sort(byStart),
    pending,
    budget: budgetOf(state.scan, ctx),
    stats: {
      readings: t.readings,
      firstTs: t.firstTs,
      lastTs: timeOrNull(state.scan.temp.prevTs),
      minC: any ? t.minC : null,
      maxC: any ? t.maxC : null,
      meanC: timed ? t.sumTempMs / t.weightMs : any ? t.sumTemp / t.readings : null,
      mktC: timed ? mktFromSums(t.sumFactorMs, t.weightMs) : mktFromSums(t.sumFactor, t.readings),
      observedMs: t.weightMs,
      unknownMs: t.unknownMs,
    },
  }
}

/** The reference evaluation: the report of a series of readings in any order, as if they arrived sorted. */
export function evaluateSeries(
  readings: readonly RuleReading[],
  params: EngineParams,
  scope = 'series',
): Report {
  return report(buildState(createState(scope), readings, params), params)
}
