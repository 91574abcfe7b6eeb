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
import { compareSamples, prepareBatch, type Sample } from './readings.js'
import { cloneScan, initialScan, type Scan } from './scan.js'
import { before, changes, contextOf, type ExcursionState, Results, silence } from './state.js'
import type { EngineParams, RuleEvent, RuleReading } from './types.js'
import {
  appendSamples,
  buildWindow,
  chunkFor,
  chunksOf,
  lastSample,
  resweep,
  trim,
  type Window,
  windowBounds,
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
  const ctx = contextOf(state.scope, params.profile)
  const bounds = windowBounds(params.window)
  const tooLate: RuleReading[] = []
  const samples: Sample[] = []
  for (const x of prepareBatch(readings)) {
    const vsFloor = state.floor ? compareSamples(x.sample, state.floor) : 1
    if (vsFloor > 0) samples.push(x.sample)
    else if (vsFloor < 0) tooLate.push(x.reading)
  }
  const first = samples[0]
  if (!first) return { state, events: [], tooLate }

  const newest = lastSample(state.window)
  const inOrder = !newest || compareSamples(first, newest) > 0
  if (inOrder && options.inPlace) return advanceInPlace(state, samples, tooLate, ctx, bounds)
  let window: Window
  let scan: Scan
  let results: Results
  let from: { excursion: number; gap: number }
  if (inOrder) {
    scan = cloneScan(state.scan)
    from = { excursion: scan.nExcursions, gap: scan.nGaps }
    results = new Results(state.excursions, state.gaps, false)
    window = appendSamples(state.window, samples, scan, ctx, results, bounds.chunkSize)
  } else {
    const chunks = chunksOf(state.window)
    const i = chunkFor(chunks, first)
    const base = chunks[i]!.cp
    from = { excursion: base.nExcursions, gap: base.nGaps }
    results = new Results(state.excursions.slice(0, from.excursion), state.gaps.slice(0, from.gap), true)
    ;({ window, scan } = resweep(state.window, i, samples, ctx, results, bounds.chunkSize))
  }
  const kept = trim(window, bounds)
  const next: ExcursionState = {
    version: 1,
    scope: state.scope,
    window: kept.window,
    floor: kept.floor ?? state.floor,
    scan,
    excursions: results.excursions,
    gaps: results.gaps,
    clock: state.clock,
  }
  return {
    state: next,
    events: changes(state, next, ctx, from, { arrived: samples, source: 'readings' }),
    tooLate,
  }
}

/**
 * The in-order path of `processReadings` for a caller that owns the state and keeps no earlier one (a cache of
 * live states that drops an entry whose transaction rolled back): the scan, the tail chunk and the result lists
 * are advanced in place, so a reading leaves no new state behind for the garbage collector to copy. What the
 * events are diffed against is taken first.
 */
function advanceInPlace(
  state: ExcursionState,
  samples: readonly Sample[],
  tooLate: RuleReading[],
  ctx: ReturnType<typeof contextOf>,
  bounds: ReturnType<typeof windowBounds>,
): EngineResult {
  const from = { excursion: state.scan.nExcursions, gap: state.scan.nGaps }
  const was = before(state, ctx, from)
  const results = new Results(state.excursions, state.gaps, true)
  const kept = trim(
    appendSamples(state.window, samples, state.scan, ctx, results, bounds.chunkSize, true),
    bounds,
  )
  state.window = kept.window
  state.floor = kept.floor ?? state.floor
  state.excursions = results.excursions
  state.gaps = results.gaps
  return { state, events: changes(was, state, ctx, from, { arrived: samples, source: 'readings' }), tooLate }
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
  const ctx = contextOf(state.scope, params.profile)
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
  const ctx = contextOf(state.scope, params.profile)
  const bounds = windowBounds(params.window)
  const scan = initialScan()
  const results = new Results([], [], true)
  const samples = prepareBatch(readings).map((x) => x.sample)
  const kept = trim(buildWindow(samples, scan, ctx, results, bounds.chunkSize), bounds)
  return {
    ...state,
    window: kept.window,
    floor: kept.floor,
    scan,
    excursions: results.excursions,
    gaps: results.gaps,
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
  const ctx = contextOf(state.scope, params.profile)
  const next = buildState(state, readings, params)
  return {
    state: next,
    events: changes(state, next, ctx, { excursion: 0, gap: 0 }, { arrived: [], source: 'rebuild' }),
  }
}
