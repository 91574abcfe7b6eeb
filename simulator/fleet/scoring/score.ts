/**
 * Compares a gateway's findings with a run's ground truth, per kind: detected, missed, false alarms, and the
 * detection delay (wall time from the broker's ack of the confirming reading to the alert; excursions only, the
 * other kinds have no wall-clock reference in an accelerated run). Matching is one-to-one on waybill, kind, side
 * (when both say) and start time within `toleranceMs`; for stalls the gateway's start may be the last node or the
 * moment it became overdue, so anything from `since − tolerance` to `due + tolerance` matches.
 */
import type { GroundTruth } from '../../ground-truth.js'
import { type Summary, summarise } from '../stats.js'
import type { Finding } from './findings.js'

/** Something the truth says a correct gateway reports. */
export interface Expected {
  kind: string
  waybill: string
  side: 'high' | 'low' | null
  start: number
  /** Latest acceptable start (stalls: the due time). */
  latest: number
  readyAtWall: number | null
  what: string
}

/** The score of one kind. */
export interface KindScore {
  expected: number
  detected: number
  missed: number
  falseAlarms: number
  delayMs: Summary
}

/** The whole report. */
export interface ScoreReport {
  ok: boolean
  byKind: Record<string, KindScore>
  missed: Expected[]
  falseAlarms: Finding[]
}

export function expectedFrom(truth: GroundTruth): Expected[] {
  const at = (iso: string) => Date.parse(iso)
  const out: Expected[] = []
  for (const w of truth.waybills) {
    for (const e of w.excursions) {
      const start = at(e.start)
      out.push({
        kind: e.kind,
        waybill: w.no,
        side: e.side,
        start,
        latest: start,
        readyAtWall: at(e.confirmedAckAt),
        what: `${e.side} from ${e.start}`,
      })
    }
    for (const g of w.gaps)
      out.push({
        kind: 'data_gap',
        waybill: w.no,
        side: null,
        start: at(g.start),
        latest: at(g.start),
        readyAtWall: null,
        what: `gap ${g.start} → ${g.end}`,
      })
    for (const s of w.stalls)
      out.push({
        kind: 'transit_stalled',
        waybill: w.no,
        side: null,
        start: at(s.since),
        latest: at(s.due),
        readyAtWall: null,
        what: `stalled after ${s.lastEvent} at ${s.since}`,
      })
    if (w.budget.exhaustedAt) {
      const t = at(w.budget.exhaustedAt)
      out.push({
        kind: 'budget_exhausted',
        waybill: w.no,
        side: null,
        start: t,
        latest: t,
        readyAtWall: null,
        what: `budget exhausted at ${w.budget.exhaustedAt}`,
      })
    }
  }
  for (const f of truth.sensorFaults) {
    for (const no of f.waybills)
      out.push({
        kind: 'sensor_fault',
        waybill: no,
        side: null,
        start: at(f.ts),
        latest: at(f.ts),
        readyAtWall: null,
        what: `${f.value} from ${f.deviceId} at ${f.ts}`,
      })
  }
  return out
}

export function score(
  truth: GroundTruth,
  findings: readonly Finding[],
  toleranceMs = 10 * 60_000,
): ScoreReport {
  const known = new Set(truth.waybills.map((w) => w.no))
  // Only what concerns this run's waybills: a shared gateway also holds other runs' alerts.
  const candidates = findings.filter((f) => known.has(f.waybill))
  const used = new Set<number>()
  const byKind: Record<string, { expected: number; detected: number; delays: number[] }> = {}
  const missed: Expected[] = []
  for (const e of expectedFrom(truth)) {
    const k = byKind[e.kind] ?? { expected: 0, detected: 0, delays: [] }
    byKind[e.kind] = k
    k.expected++
    const i = candidates.findIndex(
      (f, idx) =>
        !used.has(idx) &&
        f.kind === e.kind &&
        f.waybill === e.waybill &&
        (f.side === null || e.side === null || f.side === e.side) &&
        (f.start === null || (f.start >= e.start - toleranceMs && f.start <= e.latest + toleranceMs)),
    )
    if (i < 0) {
      missed.push(e)
      continue
    }
    used.add(i)
    k.detected++
    const f = candidates[i] as Finding
    if (e.readyAtWall !== null && f.detectedAt !== null)
      k.delays.push(Math.max(0, f.detectedAt - e.readyAtWall))
  }
  const falseAlarms = candidates.filter((_, i) => !used.has(i))
  for (const f of falseAlarms) byKind[f.kind] ??= { expected: 0, detected: 0, delays: [] }
  const report: Record<string, KindScore> = {}
  for (const [kind, k] of Object.entries(byKind)) {
    report[kind] = {
      expected: k.expected,
      detected: k.detected,
      missed: k.expected - k.detected,
      falseAlarms: falseAlarms.filter((f) => f.kind === kind).length,
      delayMs: summarise(k.delays),
    }
  }
  return { ok: missed.length === 0 && falseAlarms.length === 0, byKind: report, missed, falseAlarms }
}
