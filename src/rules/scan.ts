/**
 * The sweep: one pass over samples in the engine's order (readings.ts), carrying a small `Scan` from one
 * sample to the next. Results depend only on the sorted samples, never on arrival order.
 *
 * Interval attribution (one rule everywhere: budget, excursion duration and area, mean, MKT): the interval
 * between two consecutive readings of a channel takes the value of its LEFT reading, as a logger's record
 * stands until the next one. Intervals are therefore the same whatever order the readings arrived in. An
 * interval longer than `maxGapMs` is unknown: never counted as in range, nor as out of range. For temperature
 * it is reported as a data gap; for humidity it only breaks continuity (the sensor-offline alert is one, from
 * temperature). The cumulative budget, mean and MKT are temperature-only.
 *
 * Excursion state machine per channel (ThingsBoard FALSE / NOT_YET_TRUE / TRUE):
 * - in range → pending when a reading is beyond a bound; the run starts at that reading's time.
 * - pending → excursion at the first reading where the run has lasted `delayMs` (its intervals attributed),
 *   or where the waybill's cumulative out-of-range time has passed the budget (issue 3: "or when the
 *   cumulative out-of-range time exceeds its budget"); once the budget is spent, any reading beyond a bound
 *   opens an excursion at once.
 * - pending → in range when a reading is back within the bounds, or across a data gap (continuity unproven).
 * - excursion → cleared only at a reading back inside by the hysteresis; a data gap does not clear it (unknown
 *   is not in range). A reading beyond the other bound clears it and starts a run on that side.
 */
import { boundOf, type ChannelConfig, classify, clears, type Run, startRun, toExcursion } from './channel.js'
import { arrhenius } from './mkt.js'
import { iso } from './readings.js'
import { NO_TIME } from './time.js'
import type { Excursion, Gap } from './types.js'

/**
 * Where a channel stands after its latest reading: none yet while `prevTs` is `NO_TIME` (`prevValue` is then
 * 0 and means nothing). Numbers only, for the reason given at `NO_TIME` (time.ts).
 */
export interface ChannelScan {
  prevTs: number
  prevValue: number
  run: Run | null
}

/** Waybill totals over the temperature channel. */
export interface Totals {
  readings: number
  firstTs: number | null
  /** Extremes of the temperatures; 0 and meaningless while `readings` is 0 (numbers only: see `NO_TIME`). */
  minC: number
  maxC: number
  /** Σ attributed interval (ms), Σ T·dt, Σ e^(−ΔH/RT)·dt: time-weighted mean and MKT. */
  weightMs: number
  sumTempMs: number
  sumFactorMs: number
  /** Unweighted sums, for the mean and MKT of a series with no attributed interval. */
  sumTemp: number
  sumFactor: number
  outOfRangeMs: number
  unknownMs: number
  exhaustedAt: number | null
}

/** Everything carried from one sample to the next; small, cloned at every checkpoint. */
export interface Scan {
  temp: ChannelScan
  rh: ChannelScan
  totals: Totals
  /** Device time of the newest sample; `NO_TIME` before any. */
  newestTs: number
  /** How many closed excursions and gaps the sweep has emitted so far (positions in the result lists). */
  nExcursions: number
  nGaps: number
}

/**
 * Where the sweep appends the excursions and gaps it closes (in sweep order), and the scope that prefixes their
 * ids. A state is one: the in-place path sweeps straight into it.
 */
export interface Sink {
  scope: string
  excursions: Excursion[]
  gaps: Gap[]
}

/** What the sweep needs of a profile; the same for every scope (state.ts makes one per profile). */
export interface SweepContext {
  maxGapMs: number
  budgetMs: number | null
  temp: ChannelConfig
  rh: ChannelConfig | null
}

function emptyChannel(): ChannelScan {
  return { prevTs: NO_TIME, prevValue: 0, run: null }
}

export function initialScan(): Scan {
  return {
    temp: emptyChannel(),
    rh: emptyChannel(),
    totals: {
      readings: 0,
      firstTs: null,
      minC: 0,
      maxC: 0,
      weightMs: 0,
      sumTempMs: 0,
      sumFactorMs: 0,
      sumTemp: 0,
      sumFactor: 0,
      outOfRangeMs: 0,
      unknownMs: 0,
      exhaustedAt: null,
    },
    newestTs: NO_TIME,
    nExcursions: 0,
    nGaps: 0,
  }
}

// Clones are spelled out field by field: this runs on every call of the hot path, and literal shapes are
// several times faster to allocate than spreads. A field added to these interfaces must be added here.
function cloneRun(r: Run): Run {
  return {
    id: r.id,
    side: r.side,
    startTs: r.startTs,
    openedAt: r.openedAt,
    openedBy: r.openedBy,
    peak: r.peak,
    peakTs: r.peakTs,
    area: r.area,
    outOfRangeMs: r.outOfRangeMs,
  }
}

function cloneChannel(c: ChannelScan): ChannelScan {
  return { prevTs: c.prevTs, prevValue: c.prevValue, run: c.run ? cloneRun(c.run) : null }
}

function cloneTotals(t: Totals): Totals {
  return {
    readings: t.readings,
    firstTs: t.firstTs,
    minC: t.minC,
    maxC: t.maxC,
    weightMs: t.weightMs,
    sumTempMs: t.sumTempMs,
    sumFactorMs: t.sumFactorMs,
    sumTemp: t.sumTemp,
    sumFactor: t.sumFactor,
    outOfRangeMs: t.outOfRangeMs,
    unknownMs: t.unknownMs,
    exhaustedAt: t.exhaustedAt,
  }
}

export function cloneScan(s: Scan): Scan {
  return {
    temp: cloneChannel(s.temp),
    rh: cloneChannel(s.rh),
    totals: cloneTotals(s.totals),
    newestTs: s.newestTs,
    nExcursions: s.nExcursions,
    nGaps: s.nGaps,
  }
}

export function gapId(scope: string, startTs: number): string {
  return `${scope}:gap:${iso(startTs)}`
}

/**
 * Advances `scan` (mutated) by one sample, given by its parts (device time, temperature, humidity) so that the
 * in-place path can sweep readings without building samples; closed items go to `sink`.
 */
export function sweep(
  scan: Scan,
  ctx: SweepContext,
  sink: Sink,
  ts: number,
  t: number | null,
  h: number | null,
): void {
  if (t !== null) sweepTemperature(scan, ctx, sink, ts, t)
  if (h !== null && ctx.rh) {
    const gap = scan.rh.prevTs !== NO_TIME && ts - scan.rh.prevTs > ctx.maxGapMs
    advance(scan, scan.rh, ctx.rh, ts, h, gap, false, sink)
  }
  if (ts > scan.newestTs) scan.newestTs = ts
}

function sweepTemperature(scan: Scan, ctx: SweepContext, sink: Sink, ts: number, v: number): void {
  const ch = scan.temp
  const t = scan.totals
  let gap = false
  if (ch.prevTs !== NO_TIME) {
    const dt = ts - ch.prevTs
    const p = ch.prevValue
    if (dt > ctx.maxGapMs) {
      gap = true
      t.unknownMs += dt
      sink.gaps.push({ id: gapId(sink.scope, ch.prevTs), startTs: ch.prevTs, endTs: ts, durationMs: dt })
      scan.nGaps++
    } else {
      t.weightMs += dt
      t.sumTempMs += p * dt
      t.sumFactorMs += arrhenius(p) * dt
      if (classify(p, ctx.temp) !== null) {
        t.outOfRangeMs += dt
        // The budget is passed at the instant the running total reaches it, inside this interval.
        if (ctx.budgetMs !== null && t.exhaustedAt === null && t.outOfRangeMs > ctx.budgetMs) {
          t.exhaustedAt = ts - (t.outOfRangeMs - ctx.budgetMs)
        }
      }
    }
  }
  if (t.readings === 0) {
    t.firstTs = ts
    t.minC = v
    t.maxC = v
  } else {
    if (v < t.minC) t.minC = v
    if (v > t.maxC) t.maxC = v
  }
  t.readings++
  t.sumTemp += v
  t.sumFactor += arrhenius(v)
  advance(scan, ch, ctx.temp, ts, v, gap, t.exhaustedAt !== null, sink)
}

/** Makes a pending run an excursion at `ts` when it has lasted the delay or the budget is spent. */
function qualify(run: Run, cfg: ChannelConfig, ts: number, budgetSpent: boolean): void {
  if (run.openedAt !== null) return
  if (ts - run.startTs >= cfg.delayMs) {
    run.openedAt = ts
    run.openedBy = 'delay'
  } else if (budgetSpent) {
    run.openedAt = ts
    run.openedBy = 'budget'
  }
}

function extend(run: Run, ts: number, v: number): void {
  if (run.side === 'high' ? v > run.peak : v < run.peak) {
    run.peak = v
    run.peakTs = ts
  }
}

/** One channel's state machine (see the file comment). */
function advance(
  scan: Scan,
  ch: ChannelScan,
  cfg: ChannelConfig,
  ts: number,
  v: number,
  gap: boolean,
  budgetSpent: boolean,
  sink: Sink,
): void {
  let run = ch.run
  if (run && ch.prevTs !== NO_TIME) {
    if (gap) {
      if (run.openedAt === null) run = null
    } else {
      const dt = ts - ch.prevTs
      const p = ch.prevValue
      if (classify(p, cfg) === run.side) {
        run.area += (Math.abs(p - boundOf(run.side, cfg)) * dt) / 60_000
        run.outOfRangeMs += dt
      }
      qualify(run, cfg, ts, budgetSpent)
    }
  }
  const side = classify(v, cfg)
  if (run) {
    if (run.openedAt === null) {
      if (side === run.side) extend(run, ts, v)
      else run = null
    } else if (clears(v, run.side, cfg)) {
      sink.excursions.push(toExcursion(run, cfg, ts, ts))
      scan.nExcursions++
      run = null
    } else if (side === run.side) {
      extend(run, ts, v)
    }
  }
  if (!run && side !== null) {
    run = startRun(sink.scope, cfg, side, ts, v)
    qualify(run, cfg, ts, budgetSpent)
  }
  ch.run = run
  ch.prevTs = ts
  ch.prevValue = v
}
