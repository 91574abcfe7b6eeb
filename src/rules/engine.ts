/**
 * The excursion engine for one waybill (or any scope whose readings are evaluated together), as pure
 * processors `(state, input, params) → { state, events }` (STYLE rule 3). No clock, no I/O: time comes from the
 * readings' device time, and wall time only through `tick(state, now)`.
 *
 * The state is plain JSON data. Calls never modify the state they are given (unless asked to: `inPlace`); the
 * new state shares the unchanged parts of the old one (older window chunks, result lists), so keep states
 * immutable.
 *
 * Exactness: whatever order readings arrive in, the report equals `evaluateSeries` over the same readings.
 * Readings older than the kept window come back in `tooLate`; call `rebuild` with the waybill's stored
 * readings to take them into account.
 */
import { type DiffContext, diffItems } from './diff.js'
import {
  compareReading,
  compareReadings,
  compareSamples,
  evaluable,
  finite,
  prepareBatch,
  type Sample,
  toSample,
} from './readings.js'
import { cloneScan, initialScan, type Scan, type Sink, type SweepContext } from './scan.js'
import {
  before,
  beforeQuiet,
  changes,
  contextOf,
  type ExcursionState,
  reportsFrom,
  silence,
} from './state.js'
import type { EngineParams, Excursion, Gap, RuleEvent, RuleReading } from './types.js'
import {
  appendInPlace,
  appendSamples,
  buildWindow,
  chunkFor,
  chunkSizeOf,
  chunksOf,
  compareToNewest,
  lastSample,
  resweep,
  trim,
  type Window,
} from './window.js'

export { createState, type ExcursionState } from './state.js'

export interface ProcessOptions {
  /**
   * The caller owns the state and will not look at it again as it was: readings in order then advance it in
   * place instead of making a new one (the monitoring cache's hot path). Any other call leaves it untouched.
   */
  inPlace?: boolean
}

export interface EngineResult {
  state: ExcursionState
  events: RuleEvent[]
  /** Readings older than the window: not evaluated; call `rebuild` with the stored readings. */
  tooLate: RuleReading[]
}

/**
 * Takes in a batch of readings in any order (one MQTT message, or a back-filled upload). Readings newer than
 * all kept ones are appended cheaply; others re-evaluate the window from the checkpoint before them.
 */
export function processReadings(
  state: ExcursionState,
  readings: readonly RuleReading[],
  params: EngineParams,
  options: ProcessOptions = {},
): EngineResult {
  const ctx = contextOf(params.profile)
  // The hot path: readings in order after every kept one, advanced in place straight from the readings.
  if (options.inPlace && followsInOrder(state, readings))
    return advanceInPlace(state, readings, ctx, params, [])
  const tooLate: RuleReading[] = []
  const samples: Sample[] = []
  const batch = prepareBatch(readings)
  for (const x of batch) {
    const vsFloor = state.floor ? compareSamples(x.sample, state.floor) : 1
    if (vsFloor > 0) samples.push(x.sample)
    else if (vsFloor < 0) tooLate.push(x.reading)
  }
  const first = samples[0]
  if (!first) return { state, events: [], tooLate }

  const newest = lastSample(state.window)
  const inOrder = !newest || compareSamples(first, newest) > 0
  if (inOrder && options.inPlace) {
    // In order once sorted (the batch was not, or had duplicates or readings behind the floor): the samples
    // taken are the last ones of the sorted batch, as those at or behind the floor sort first.
    const taken = batch.slice(batch.length - samples.length).map((x) => x.reading)
    return advanceInPlace(state, taken, ctx, params, tooLate)
  }
  const size = chunkSizeOf(params.window)
  let window: Window
  let scan: Scan
  let fromExcursion: number
  let fromGap: number
  let excursions: Excursion[]
  let gaps: Gap[]
  if (inOrder) {
    scan = cloneScan(state.scan)
    fromExcursion = scan.nExcursions
    fromGap = scan.nGaps
    // New items go to lists of their own, added to copies of the previous state's lists only if there are any.
    const added: Sink = { scope: state.scope, excursions: [], gaps: [] }
    window = appendSamples(state.window, samples, scan, ctx, added, size)
    excursions = added.excursions.length > 0 ? state.excursions.concat(added.excursions) : state.excursions
    gaps = added.gaps.length > 0 ? state.gaps.concat(added.gaps) : state.gaps
  } else {
    const chunks = chunksOf(state.window)
    const i = chunkFor(chunks, first)
    const base = chunks[i]!.cp
    fromExcursion = base.nExcursions
    fromGap = base.nGaps
    const sink: Sink = {
      scope: state.scope,
      excursions: state.excursions.slice(0, fromExcursion),
      gaps: state.gaps.slice(0, fromGap),
    }
    ;({ window, scan } = resweep(state.window, i, samples, ctx, sink, size))
    excursions = sink.excursions
    gaps = sink.gaps
  }
  const trimmed = trim(window, params.window)
  const next: ExcursionState = {
    version: 1,
    scope: state.scope,
    window: trimmed ? trimmed.window : window,
    floor: trimmed ? trimmed.floor : state.floor,
    scan,
    excursions,
    gaps,
    clock: state.clock,
  }
  return {
    state: next,
    events: changes(state, next, ctx, fromExcursion, fromGap, { arrived: samples, source: 'readings' }),
    tooLate,
  }
}

/**
 * Whether a batch can be advanced in place as it comes: it has an evaluable reading, and its evaluable readings
 * follow every kept sample and the floor, each after the one before. Checked in one pass on the readings' own
 * fields, so that the hot path builds no samples, sorts nothing and copies nothing.
 */
function followsInOrder(state: ExcursionState, readings: readonly RuleReading[]): boolean {
  const f = state.floor
  let prev: RuleReading | null = null
  for (const r of readings) {
    if (!evaluable(r)) continue
    const follows = prev
      ? compareReadings(r, prev) > 0
      : compareToNewest(state.window, r) > 0 && (!f || compareReading(r, f.ts, f.t, f.h) > 0)
    if (!follows) return false
    prev = r
  }
  return prev !== null
}

/**
 * The in-order path of `processReadings` for a caller that owns the state and keeps no earlier one (a cache of
 * live states that drops an entry whose transaction rolled back): the scan, the tail chunk and the result lists
 * are advanced in place, so a reading leaves no new state behind for the garbage collector to copy. `readings`
 * are those to take, in order (unevaluable ones are skipped).
 */
function advanceInPlace(
  state: ExcursionState,
  readings: readonly RuleReading[],
  ctx: SweepContext,
  params: EngineParams,
  tooLate: RuleReading[],
): EngineResult {
  const scan = state.scan
  const fromExcursion = scan.nExcursions
  const fromGap = scan.nGaps
  // What the events are diffed against is taken before the state moves. On the hot path nothing was reported
  // (told from counts): two scalars are kept instead, and the rest is built only if there is news after all.
  const was = reportsFrom(state, ctx, fromExcursion, fromGap)
    ? before(state, ctx, fromExcursion, fromGap)
    : null
  const exhaustedAt = scan.totals.exhaustedAt
  const newestTs = scan.newestTs
  const size = chunkSizeOf(params.window)
  for (const r of readings) {
    // The state is its own sink: closed items go straight to its lists.
    if (evaluable(r))
      state.window = appendInPlace(state.window, r.ts, finite(r.tempC), finite(r.rh), scan, ctx, state, size)
  }
  const trimmed = trim(state.window, params.window)
  if (trimmed) {
    state.window = trimmed.window
    state.floor = trimmed.floor
  }
  const quiet = was === null && exhaustedAt === scan.totals.exhaustedAt
  if (quiet && !reportsFrom(state, ctx, fromExcursion, fromGap)) return { state, events: [], tooLate }
  // Something to report: the samples are wanted now, for the reasons of withdrawals.
  const arrived: Sample[] = []
  for (const r of readings) {
    const s = toSample(r)
    if (s) arrived.push(s)
  }
  const events = changes(was ?? beforeQuiet(exhaustedAt, newestTs), state, ctx, fromExcursion, fromGap, {
    arrived,
    source: 'readings',
  })
  return { state, events, tooLate }
}

/** The single-reading form of `processReadings`: `(state, reading, params) → { state, events }`. */
export function processReading(
  state: ExcursionState,
  reading: RuleReading,
  params: EngineParams,
): EngineResult {
  return processReadings(state, [reading], params)
}

/**
 * Tells the engine the wall time (an injected clock). When no temperature reading has come for longer than
 * the maximum gap, the silence is reported as an ongoing gap (`gap_opened`, end null), so a sensor that went
 * offline raises an alert before its data returns. Readings then close the gap, or withdraw it if they fill it.
 */
export function tick(
  state: ExcursionState,
  now: number,
  params: EngineParams,
): { state: ExcursionState; events: RuleEvent[] } {
  if (state.clock !== null && now <= state.clock) return { state, events: [] }
  const ctx = contextOf(params.profile)
  const next = { ...state, clock: now }
  const before = silence(state, ctx)
  const after = silence(next, ctx)
  const dctx: DiffContext = { knownUntil: null, arrived: [], source: 'readings', temp: ctx.temp, rh: ctx.rh }
  const events = diffItems(
    { excursions: [], gaps: before ? [before] : [] },
    { excursions: [], gaps: after ? [after] : [] },
    dctx,
  )
  return { state: next, events }
}

/** A state holding exactly the given readings, evaluated from scratch. */
export function buildState(
  state: ExcursionState,
  readings: readonly RuleReading[],
  params: EngineParams,
): ExcursionState {
  const ctx = contextOf(params.profile)
  const scan = initialScan()
  const sink: Sink = { scope: state.scope, excursions: [], gaps: [] }
  const samples = prepareBatch(readings).map((x) => x.sample)
  const window = buildWindow(samples, scan, ctx, sink, chunkSizeOf(params.window))
  const trimmed = trim(window, params.window)
  return {
    ...state,
    window: trimmed ? trimmed.window : window,
    floor: trimmed ? trimmed.floor : null,
    scan,
    excursions: sink.excursions,
    gaps: sink.gaps,
  }
}

/**
 * Re-evaluates from scratch over ALL the scope's readings (e.g. from the store, after `tooLate` readings or a
 * profile change) and reports what changed relative to the previous state. The result is exact.
 */
export function rebuild(
  state: ExcursionState,
  readings: readonly RuleReading[],
  params: EngineParams,
): { state: ExcursionState; events: RuleEvent[] } {
  const ctx = contextOf(params.profile)
  const next = buildState(state, readings, params)
  return { state: next, events: changes(state, next, ctx, 0, 0, { arrived: [], source: 'rebuild' }) }
}
