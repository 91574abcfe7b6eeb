/**
 * The engine's state for one scope and what the processors share: the sweep context of a profile, and the
 * events between two states (what was reported vs what is true now).
 */
import { channelsOf, toExcursion } from './channel.js'
import { type DiffContext, diffBudget, diffItems, type Items } from './diff.js'
import type { TemperatureProfile } from './profiles.js'
import type { Sample } from './readings.js'
import { type ChannelScan, gapId, initialScan, type Scan, type SweepContext } from './scan.js'
import { NO_TIME, timeOrNull } from './time.js'
import type { BudgetStatus, Excursion, Gap, RuleEvent } from './types.js'
import { emptyWindow, type Window } from './window.js'

/** The engine's state for one scope. Plain JSON; treat as immutable. */
export interface ExcursionState {
  version: 1
  /** Prefix of every id (the waybill number). */
  scope: string
  /** The re-evaluation window (window.ts). */
  window: Window
  /** Newest sample dropped from the window; older readings can only be taken in by `rebuild`. */
  floor: Sample | null
  /** The sweep after the newest sample. */
  scan: Scan
  /** Closed excursions and gaps, in sweep order (ongoing ones live in `scan`). */
  excursions: Excursion[]
  gaps: Gap[]
  /** Latest wall time given to `tick`, to report a silent device as an ongoing gap. */
  clock: number | null
}

export function createState(scope: string): ExcursionState {
  return {
    version: 1,
    scope,
    window: emptyWindow(),
    floor: null,
    scan: initialScan(),
    excursions: [],
    gaps: [],
    clock: null,
  }
}

// One context per profile object (profiles are shared by many waybills and never modified): every call of
// the hot path needs one, and the scope it lacks comes with the sink (scan.ts).
const contextCache = new WeakMap<TemperatureProfile, SweepContext>()

export function contextOf(profile: TemperatureProfile): SweepContext {
  let ctx = contextCache.get(profile)
  if (!ctx) {
    const ch = channelsOf(profile)
    ctx = { maxGapMs: profile.maxGapMs, budgetMs: profile.cumulativeBudgetMs, temp: ch.temp, rh: ch.rh }
    contextCache.set(profile, ctx)
  }
  return ctx
}

/** Start of an ongoing silence: `tick` saw no temperature reading for longer than the maximum gap. */
function silentSince(state: ExcursionState, ctx: SweepContext): number | null {
  const last = state.scan.temp.prevTs
  return last === NO_TIME || state.clock === null || state.clock - last <= ctx.maxGapMs ? null : last
}

export function silence(state: ExcursionState, ctx: SweepContext): Gap | null {
  const since = silentSince(state, ctx)
  return since === null
    ? null
    : { id: gapId(state.scope, since), startTs: since, endTs: null, durationMs: null }
}

/** Whether a channel has an excursion open (reported as ongoing). */
function isOpen(ch: ChannelScan): boolean {
  return ch.run !== null && ch.run.openedAt !== null && ch.prevTs !== NO_TIME
}

function ongoing(ch: ChannelScan, cfg: SweepContext['rh'], into: Excursion[]): void {
  if (cfg && isOpen(ch)) into.push(toExcursion(ch.run!, cfg, null, ch.prevTs))
}

/** Items from the given positions of the result lists on, plus the ongoing ones. */
export function tail(
  state: ExcursionState,
  ctx: SweepContext,
  fromExcursion: number,
  fromGap: number,
): Items {
  const excursions = state.excursions.slice(fromExcursion)
  ongoing(state.scan.temp, ctx.temp, excursions)
  ongoing(state.scan.rh, ctx.rh, excursions)
  const gaps = state.gaps.slice(fromGap)
  const quiet = silence(state, ctx)
  if (quiet) gaps.push(quiet)
  return { excursions, gaps }
}

/** Whether `tail` would hold anything, told from counts and scalars without building its lists. */
export function reportsFrom(
  state: ExcursionState,
  ctx: SweepContext,
  fromExcursion: number,
  fromGap: number,
): boolean {
  return (
    state.excursions.length > fromExcursion ||
    state.gaps.length > fromGap ||
    isOpen(state.scan.temp) ||
    (ctx.rh !== null && isOpen(state.scan.rh)) ||
    silentSince(state, ctx) !== null
  )
}

export function budgetOf(scan: Scan, ctx: SweepContext): BudgetStatus {
  const used = scan.totals.outOfRangeMs
  const budgetMs = ctx.budgetMs
  return {
    budgetMs,
    outOfRangeMs: used,
    leftMs: budgetMs === null ? null : Math.max(0, budgetMs - used),
    exhaustedAt: scan.totals.exhaustedAt,
  }
}

/** Device time known before a change: the newest reading, or the clock while a silence was reported. */
function knownUntil(state: ExcursionState, ctx: SweepContext): number | null {
  const newest = timeOrNull(state.scan.newestTs)
  if (silentSince(state, ctx) === null || state.clock === null) return newest
  return Math.max(newest ?? state.clock, state.clock)
}

/** What `changes` needs of the state before a change, taken before a state is advanced in place. */
export interface Before {
  /** Items reported from the given positions on; null when there were none (then no lists are built). */
  items: Items | null
  exhaustedAt: number | null
  knownUntil: number | null
}

export function before(
  prev: ExcursionState,
  ctx: SweepContext,
  fromExcursion: number,
  fromGap: number,
): Before {
  return {
    items: reportsFrom(prev, ctx, fromExcursion, fromGap) ? tail(prev, ctx, fromExcursion, fromGap) : null,
    exhaustedAt: prev.scan.totals.exhaustedAt,
    knownUntil: knownUntil(prev, ctx),
  }
}

/**
 * `before` of a state that reported nothing from the given positions on (`reportsFrom` was false), from two of
 * its scalars: no silence was reported either, so the device time known was its newest reading's. The hot path
 * keeps just these while it advances a state in place, and builds this only when there is something to report.
 */
export function beforeQuiet(exhaustedAt: number | null, newestTs: number): Before {
  return { items: null, exhaustedAt, knownUntil: timeOrNull(newestTs) }
}

/** Events from `prev` (a state, or what was taken of it before it was advanced in place) to `next`. */
export function changes(
  prev: ExcursionState | Before,
  next: ExcursionState,
  ctx: SweepContext,
  fromExcursion: number,
  fromGap: number,
  diff: Pick<DiffContext, 'arrived' | 'source'>,
): RuleEvent[] {
  const was = 'items' in prev ? prev : before(prev, ctx, fromExcursion, fromGap)
  const budgetMoved = was.exhaustedAt !== next.scan.totals.exhaustedAt
  // The hot path: nothing reported before, nothing to report now; told from counts, before any list is built.
  if (!budgetMoved && was.items === null && !reportsFrom(next, ctx, fromExcursion, fromGap)) return []
  const dctx: DiffContext = { ...diff, knownUntil: was.knownUntil, temp: ctx.temp, rh: ctx.rh }
  const after = tail(next, ctx, fromExcursion, fromGap)
  const events = diffItems(was.items ?? { excursions: [], gaps: [] }, after, dctx)
  return budgetMoved ? events.concat(diffBudget(was, budgetOf(next.scan, ctx), dctx)) : events
}
