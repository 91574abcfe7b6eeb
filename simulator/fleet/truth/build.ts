/**
 * Ground truth from what was published: each waybill's custody window and series, then excursions, gaps, budget
 * and stalls by the rules; sensor faults; per-device counts. Everything comes from the SentLog (device timestamps
 * as published), so the truth is what a correct detector should find in the data it actually received.
 */
import type { GroundTruth, TruthRules, WaybillTruth } from '../../ground-truth.js'
import type { WorldPlan } from '../plan.js'
import type { SentReading } from '../sent-log.js'
import type { RunRecord } from '../world.js'
import { type Found, findExcursions, type Limits, outOfRange, type Point } from './excursions.js'
import { findGaps } from './gaps.js'
import { defaultRules } from './rules.js'
import { findStalls } from './stalls.js'

const iso = (ms: number) => new Date(ms).toISOString()

export function computeTruth(plan: WorldPlan, run: RunRecord, rules: TruthRules = defaultRules): GroundTruth {
  const { log } = run
  const isFault = (r: SentReading) => r.tempC < rules.sensorRange.minC || r.tempC > rules.sensorRange.maxC
  const byDevice = new Map<string, SentReading[]>()
  const seen = new Set<string>()
  for (const r of log.readings) {
    const key = `${r.deviceId}\u0000${r.seq}`
    if (seen.has(key)) continue
    seen.add(key)
    const list = byDevice.get(r.deviceId) ?? []
    list.push(r)
    byDevice.set(r.deviceId, list)
  }
  for (const list of byDevice.values()) list.sort((a, b) => a.ts - b.ts || a.seq - b.seq)

  const custodyOf = new Map<string, { from: number | null; to: number | null }>()
  const waybills: WaybillTruth[] = plan.waybills.map((w) => {
    const order = plan.orders.find((o) => o.waybill === w.no)
    const gw = run.waybills.get(w.no) ?? { no: w.no, orderId: null }
    const profile = rules.profiles[w.profile]
    if (!profile) throw new Error(`no rules for profile ${w.profile}`)
    const nodes = log.scans
      .filter((s) => s.waybill === gw.no)
      .sort((a, b) => a.ts - b.ts)
      .map((s) => ({ ts: s.ts, event: s.event }))
    const from = nodes.find((n) => n.event === 'pickup')?.ts ?? null
    const to = nodes.find((n) => n.event === 'delivered')?.ts ?? null
    custodyOf.set(w.no, { from, to })
    const inCustody = (ts: number) => from !== null && ts >= from && (to === null || ts <= to)
    const series = (byDevice.get(w.sensorId) ?? []).filter((r) => inCustody(r.ts) && !isFault(r))
    const temp: Limits = {
      low: profile.lowC,
      high: profile.highC,
      hysteresis: profile.hysteresisC,
      alarmDelayMs: profile.alarmDelayMs,
      maxGapMs: profile.maxGapMs,
    }
    const tempPoints = series.map((r) => point(r, r.tempC))
    const budget = outOfRange(tempPoints, temp, profile.budgetMs)
    const excursions: { kind: 'temperature' | 'humidity'; f: Found }[] = findExcursions(
      tempPoints,
      temp,
      budget.exhaustedAt,
    ).map((f) => ({ kind: 'temperature', f }))
    if (profile.rhLow !== null || profile.rhHigh !== null) {
      const rh: Limits = {
        low: profile.rhLow,
        high: profile.rhHigh,
        hysteresis: profile.rhHysteresis,
        alarmDelayMs: profile.rhAlarmDelayMs,
        maxGapMs: profile.maxGapMs,
      }
      const rhPoints = series.filter((r) => r.rh !== null).map((r) => point(r, r.rh as number))
      excursions.push(...findExcursions(rhPoints, rh).map((f) => ({ kind: 'humidity' as const, f })))
    }
    const limit = rules.slaNodeLimitMs[w.slaTier] ?? Number.POSITIVE_INFINITY
    return {
      no: gw.no,
      simNo: w.no,
      orderId: gw.orderId,
      platform: order?.platform ?? '',
      platformOrderId: order?.platformOrderId ?? '',
      scenario: w.scenario,
      profile: w.profile,
      slaTier: w.slaTier,
      container: w.container,
      sensorId: w.sensorId,
      custody: { from: from === null ? null : iso(from), to: to === null ? null : iso(to) },
      readings: series.length,
      excursions: excursions.map(({ kind, f }) => ({
        kind,
        side: f.side,
        deviceId: w.sensorId,
        start: iso(f.start),
        end: f.end === null ? null : iso(f.end),
        peak: f.peak,
        confirmedAt: iso(f.confirmedBy.ts),
        confirmedAckAt: iso(f.confirmedBy.ackedAtWall),
        late: f.confirmedBy.backfilled,
        trueStart: iso(f.trueStart),
      })),
      gaps:
        from === null
          ? []
          : findGaps(
              series.map((r) => r.ts),
              from,
              to,
              profile.maxGapMs,
            ).map((g) => ({
              deviceId: w.sensorId,
              start: iso(g.start),
              end: iso(g.end),
              durationMs: g.end - g.start,
            })),
      stalls: findStalls(nodes, limit, plan.end).map((s) => ({
        since: iso(s.since),
        lastEvent: s.lastEvent,
        due: iso(s.due),
        until: s.until === null ? null : iso(s.until),
      })),
      budget: {
        budgetMs: profile.budgetMs,
        outOfRangeMs: budget.ms,
        exhaustedAt: budget.exhaustedAt === null ? null : iso(budget.exhaustedAt),
      },
    }
  })

  const sensorFaults = [...byDevice.values()]
    .flat()
    .filter(isFault)
    .map((r) => ({
      deviceId: r.deviceId,
      seq: r.seq,
      ts: iso(r.ts),
      value: r.tempC,
      waybills: waybills
        .filter((w) => {
          const c = custodyOf.get(w.simNo)
          return (
            w.sensorId === r.deviceId && c?.from != null && r.ts >= c.from && (c.to === null || r.ts <= c.to)
          )
        })
        .map((w) => w.no),
    }))

  return {
    version: 1,
    seed: plan.seed,
    runId: plan.runId,
    scenarios: plan.scenarios,
    start: iso(plan.start),
    end: iso(plan.end),
    rules,
    devices: plan.devices.map((d) => {
      const readings = byDevice.get(d.id) ?? []
      return {
        id: d.id,
        kind: d.kind,
        container: d.container,
        clockSkewMs: d.clockSkewMs,
        readings: readings.length,
        backfilled: readings.filter((r) => r.backfilled).length,
        lost: log.lost.filter((l) => l.deviceId === d.id).length,
        scans: log.scans.filter((s) => s.deviceId === d.id).length,
      }
    }),
    waybills,
    sensorFaults,
    platformOutages: run.outages.map((o) => ({
      from: iso(o.from),
      to: o.to === null ? null : iso(o.to),
      fault: o.fault,
    })),
    totals: {
      messages: log.messages,
      readings: seen.size,
      scans: log.scans.length,
      resends: log.resends,
      lostReadings: log.lost.length,
    },
  }
}

function point(r: SentReading, value: number): Point {
  return { ts: r.ts, value, ackedAtWall: r.ackedAtWall, backfilled: r.backfilled, trueAt: r.trueAt }
}
