/**
 * The engine's state for one scope and what the processors share: the sweep context of a profile, the
 * copy-on-write result lists, and the events between two states (what was reported vs what is true now).
 */
import { channelsOf, toExcursion } from './channel.js'
import { type DiffContext, diffBudget, diffItems, type Items } from './diff.js'
import type { TemperatureProfile } from './profiles.js'
import type { Sample } from './readings.js'
import { gapId, initialScan, type Scan, type Sink, type SweepContext } from './scan.js'
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

const channelCache = new WeakMap<TemperatureProfile, ReturnType<typeof channelsOf>>()

export function contextOf(scope: string, profile: TemperatureProfile): SweepContext {
  let ch = channelCache.get(profile)
  if (!ch) {
    ch = channelsOf(profile)
    channelCache.set(profile, ch)
  }
  return { scope, maxGapMs: profile.maxGapMs, budgetMs: profile.cumulativeBudgetMs, temp: ch.temp, rh: ch.rh }
}

/** Result lists that are copied on first write, so the previous state's lists stay untouched. */
export class Results implements Sink {
  constructor(
    public excursions: Excursion[],
    public gaps: Gap[],
    private owned: boolean,
  ) {}
  excursion(e: Excursion): void {
    this.own()
    this.excursions.push(e)
  }
  gap(g: Gap): void {
    this.own()
    this.gaps.push(g)
  }
  private own(): void {
    if (this.owned) return
    this.excursions = this.excursions.slice()
    this.gaps = this.gaps.slice()
    this.owned = true
  }
}

/** Start of an ongoing silence: `tick` saw no temperature reading for longer than the maximum gap. */
function silentSince(state: ExcursionState, ctx: SweepContext): number | null {
  const last = state.scan.temp.prevTs
  return last === null || state.clock === null || state.clock - last <= ctx.maxGapMs ? null : last
}

export function silence(state: ExcursionState, ctx: SweepContext): Gap | null {
  const since = silentSince(state, ctx)
  return since === null
    ? null
    : { id: gapId(ctx.scope, since), startTs: since, endTs: null, durationMs: null }
}

function ongoing(ch: ExcursionState['scan']['temp'], cfg: SweepContext['rh'], into: Excursion[]): void {
  if (cfg && ch.run && ch.run.openedAt !== null && ch.prevTs !== null)
    into.push(toExcursion(ch.run, cfg, null, ch.prevTs))
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
  const newest = state.scan.newestTs
  if (silentSince(state, ctx) === null || state.clock === null) return newest
  return Math.max(newest ?? state.clock, state.clock)
}

function none(items: Items): boolean {
  return items.excursions.length === 0 && items.gaps.length === 0
}

/** What `changes` needs of the state before a change, taken before a state is advanced in place. */
export interface Before {
  items: Items
  budget: BudgetStatus
  knownUntil: number | null
}

export function before(
  prev: ExcursionState,
  ctx: SweepContext,
  from: { excursion: number; gap: number },
): Before {
  return {
    items: tail(prev, ctx, from.excursion, from.gap),
    budget: budgetOf(prev.scan, ctx),
    knownUntil: knownUntil(prev, ctx),
  }
}

export function changes(
  prev: ExcursionState | Before,
  next: ExcursionState,
  ctx: SweepContext,
  from: { excursion: number; gap: number },
  diff: Pick<DiffContext, 'arrived' | 'source'>,
): RuleEvent[] {
  const was = 'items' in prev ? prev : before(prev, ctx, from)
  const after = tail(next, ctx, from.excursion, from.gap)
  const budgetMoved = was.budget.exhaustedAt !== next.scan.totals.exhaustedAt
  // The hot path: nothing reported before, nothing to report now.
  if (!budgetMoved && none(was.items) && none(after)) return []
  const dctx: DiffContext = { ...diff, knownUntil: was.knownUntil, temp: ctx.temp, rh: ctx.rh }
  const events = diffItems(was.items, after, dctx)
  return budgetMoved ? events.concat(diffBudget(was.budget, budgetOf(next.scan, ctx), dctx)) : events
}
