/**
 * One waybill's evaluation, three ways:
 * - `advance`: the hot path. New readings go through the cached engine state (`processReadings`) and the
 *   engine's events are the news.
 * - `reevaluate`: from the store. The state is rebuilt from every stored reading of the waybill's exposure
 *   history (series.ts) and the fresh report is diffed against what was reported before (reconcile.ts).
 *   Taken on a cache miss (a restart, an eviction, a rolled-back write), a profile change, readings older than
 *   the engine's window (`tooLate`), a custody change (issue 3: late scans re-place custody, so readings may
 *   now apply to other waybills), custody not open (custody edges), and a series with no temperature yet.
 * - `tick`: the wall clock told to the cached state in its series' device time (device-clock.ts: the time since
 *   its newest temperature was received), so a sensor gone silent becomes an ongoing data gap, whatever its
 *   clock says.
 * Findings are written through FindingStore in the caller's transaction; the returned facts go to ctx.events.
 */
import type { ReadingRecord } from '../model.js'
import { buildState } from '../rules/engine.js'
import { createState, type ExcursionState, processReadings, report, tick } from '../rules/index.js'
import { type Sample, toSample } from '../rules/readings.js'
import { NO_TIME } from '../rules/time.js'
import type { Database } from '../store/database.js'
import { deviceNow, type Heard, Receipts, receiptOfNewest } from './device-clock.js'
import type { MonitoringEvent } from './events.js'
import { faultyAfter, trackFaults } from './faults.js'
import type { FindingStore } from './findings.js'
import type { WaybillParams, WaybillParamsResolver } from './params.js'
import { type CustodyWindow, reconcile, withCustodyEdges } from './reconcile.js'
import type { ExposureHistory } from './series.js'
import type { CacheEntry, StateCache } from './state-cache.js'

/** What one monitoring transaction shares across waybills. */
export interface Pass {
  generation: number
  /** Wall time (the injected clock). */
  now: number
  /** `device\0seq` of the readings this transaction stored. */
  fresh: ReadonlySet<string>
}

export const readingKey = (r: { deviceId: string; seq: number }): string => `${r.deviceId}\u0000${r.seq}`

const isOpen = (c: CustodyWindow): boolean => c.pickedUpAt !== null && c.deliveredAt === null
/** The engine reports an ongoing silence: its clock is past the newest temperature by more than the gap. */
const silentOnClock = (s: ExcursionState, maxGapMs: number): boolean =>
  s.clock !== null && s.scan.temp.prevTs !== NO_TIME && s.clock - s.scan.temp.prevTs > maxGapMs
const NONE: readonly MonitoringEvent[] = Object.freeze([])

/** How a waybill was evaluated, for the metrics. */
export type EvaluationPath = 'incremental' | 'store'

export class WaybillEvaluator {
  /** Evaluations by path since the caller last took them (`takeCounts`): counted per call, reported per pass. */
  private counts: Record<EvaluationPath, number> = { incremental: 0, store: 0 }
  private readonly custody
  private readonly receipts

  constructor(
    db: Database,
    private readonly params: WaybillParamsResolver,
    private readonly cache: StateCache,
    private readonly findings: FindingStore,
    private readonly history: ExposureHistory,
  ) {
    this.custody = db.prepare<[string], { picked_up_at: number | null; delivered_at: number | null }>(
      'SELECT picked_up_at, delivered_at FROM waybills WHERE no = ?',
    )
    this.receipts = new Receipts(db)
  }

  /** New readings that apply to the waybill. */
  advance(no: string, readings: readonly ReadingRecord[], pass: Pass): readonly MonitoringEvent[] {
    const wp = this.params.of(no)
    if (!wp) return []
    const entry = this.cache.get(no)
    if (!this.usable(entry, wp)) return this.reevaluate(no, readings, pass)
    // The engine advances the cached state in place (no new state for the garbage collector to copy), so the
    // entry is stamped with this transaction's generation first: if anything below throws or the transaction
    // rolls back, the whole entry is dropped and rebuilt from the store.
    entry.generation = pass.generation
    const heardBefore = entry.state.scan.temp.prevTs
    const r = processReadings(entry.state, readings, wp.params, { inPlace: true })
    if (r.tooLate.length > 0) return this.reevaluate(no, readings, pass)
    const newest = r.state.scan.temp.prevTs
    const heardAt = receiptOfNewest(newest, { ts: heardBefore, at: entry.heardAt }, readings)
    const maxGapMs = wp.params.profile.maxGapMs
    // The sensor was just heard, newer than before, yet the engine still finds it silent: the device time
    // told at the last tick ran past what it now stamps (its clock was set back, or its data comes later than
    // it did). Rebuilt on the new receipt, the silence reported ends where the device's own clock says.
    if (
      silentOnClock(r.state, maxGapMs) &&
      newest !== heardBefore &&
      heardAt !== NO_TIME &&
      pass.now - heardAt <= maxGapMs
    )
      return this.reevaluate(no, readings, pass)
    const faults = trackFaults(no, entry.faulty, readings)
    entry.state = r.state
    entry.faulty = faults.faulty
    entry.heardAt = heardAt
    this.counts.incremental++
    if (r.events.length === 0 && faults.events.length === 0) return NONE
    return [...r.events.map((e) => this.findings.record(no, e, wp.profileName, pass.now)), ...faults.events]
  }

  /** The evaluations by path since the last call. */
  takeCounts(): Record<EvaluationPath, number> {
    const counts = this.counts
    this.counts = { incremental: 0, store: 0 }
    return counts
  }

  /**
   * The wall clock for a waybill in custody, told in its series' device time: silent once no temperature was
   * received for longer than the maximum gap, the gap starting at the last one's device time. Null when the
   * waybill must be evaluated from the store first.
   */
  tick(no: string, pass: Pass): readonly MonitoringEvent[] | null {
    const wp = this.params.of(no)
    if (!wp) return []
    const entry = this.cache.peek(no)
    if (!this.usable(entry, wp)) return null
    // Only the step into silence reports anything: before it the tick would only move the state's clock, and
    // after it the silence is one ongoing gap already reported. Skipping the rest keeps a tick over 10,000
    // waybills to map lookups.
    const prev = entry.state.scan.temp.prevTs
    const last = prev === NO_TIME ? pass.now : prev
    const now = deviceNow(entry.heardAt === NO_TIME ? null : { ts: last, at: entry.heardAt }, pass.now)
    const maxGapMs = wp.params.profile.maxGapMs
    if (silentOnClock(entry.state, maxGapMs) || now - last <= maxGapMs) return NONE
    const t = tick(entry.state, now, wp.params)
    entry.state = t.state
    entry.generation = pass.generation
    return t.events.map((e) => this.findings.record(no, e, wp.profileName, pass.now))
  }

  /** Everything the store knows about the waybill, diffed against what was reported. */
  reevaluate(no: string, readings: readonly ReadingRecord[], pass: Pass): readonly MonitoringEvent[] {
    const wp = this.params.of(no)
    if (!wp) {
      this.cache.delete(no)
      return []
    }
    this.counts.store++
    const row = this.custody.get(no)
    const custody: CustodyWindow = {
      pickedUpAt: row?.picked_up_at ?? null,
      deliveredAt: row?.delivered_at ?? null,
    }
    const open = isOpen(custody)
    const before = this.findings.reported(no)
    const silent = before.gaps.some((g) => g.endTs === null)
    const { segments, readings: series } = this.history.seriesOf(no)
    let state = buildState(createState(no), series, wp.params)
    // Now, in the series' device time (device-clock.ts), wherever it is needed: custody open, or a silence
    // reported.
    const newest = open || silent ? this.receipts.ofSeries(segments) : null
    const heardAt = newest !== null && newest.ts === state.scan.temp.prevTs ? newest.at : NO_TIME
    const now = open || silent ? deviceNow(this.heard(no, state, heardAt, custody), pass.now) : pass.now
    if (open) state = tick(state, now, wp.params).state
    const fresh = report(state, wp.params)
    const old = series.filter((r) => !pass.fresh.has(readingKey(r)))
    let knownUntil: number | null = null
    for (const r of old) if (knownUntil === null || r.ts > knownUntil) knownUntil = r.ts
    // While a silence was reported, the gateway knew the time up to now (on the series' clock): what the data
    // now shows happened in it was detected late (the engine's own rule, src/rules/state.ts `knownUntil`).
    if (silent) knownUntil = Math.max(knownUntil ?? now, now)
    const arrived = readings.map(toSample).filter((s): s is Sample => s !== null)
    const events = reconcile(
      before,
      {
        items: withCustodyEdges(no, fresh, custody, wp.params.profile.maxGapMs, open ? now : null),
        budget: fresh.budget,
      },
      wp.params.profile,
      { knownUntil, arrived },
    )
    const faults = trackFaults(no, faultyAfter(old), readings)
    this.cache.set(no, {
      state,
      params: wp.params,
      faulty: faults.faulty,
      custody,
      heardAt,
      generation: pass.generation,
    })
    return [...events.map((e) => this.findings.record(no, e, wp.profileName, pass.now)), ...faults.events]
  }

  /**
   * What was last heard of the series: its newest temperature and when it was received, or before any, the
   * pickup and when its scan was received (a parcel whose sensor never spoke is silent from its pickup).
   */
  private heard(no: string, state: ExcursionState, heardAt: number, c: CustodyWindow): Heard | null {
    const last = state.scan.temp.prevTs
    if (last !== NO_TIME) return heardAt === NO_TIME ? null : { ts: last, at: heardAt }
    if (c.pickedUpAt === null) return null
    const at = this.receipts.ofPickup(no, c.pickedUpAt)
    return at === null ? null : { ts: c.pickedUpAt, at }
  }

  /** A cached state can take new data incrementally (see the file comment for when it cannot). */
  private usable(entry: CacheEntry | undefined, wp: WaybillParams): entry is CacheEntry {
    return (
      entry !== undefined &&
      entry.params === wp.params &&
      isOpen(entry.custody) &&
      entry.state.scan.temp.prevTs !== NO_TIME
    )
  }
}
