/**
 * Events from two reports of the same waybill: what was reported before and what is true now. Items are
 * matched by id (content-derived, so an unchanged excursion keeps its id across re-evaluation); every event
 * carries the full new snapshot, so replaying the events reproduces the engine's report.
 */
import { type ChannelConfig, classify } from './channel.js'
import { iso, type Sample } from './readings.js'
import type { BudgetStatus, Excursion, Gap, RuleEvent } from './types.js'

/** A slice of a report: the items that may have changed. */
export interface Items {
  excursions: Excursion[]
  gaps: Gap[]
}

/** What the diff needs to explain itself. */
export interface DiffContext {
  /**
   * Device time the gateway already knew about before this change: the newest reading, or the wall clock
   * while the device was reported silent. An excursion established before it was detected late.
   */
  knownUntil: number | null
  /** Samples that arrived in this call (cited in withdrawal reasons). */
  arrived: readonly Sample[]
  /** `readings`: readings arrived (in order or not); `rebuild`: a full re-evaluation from the store. */
  source: 'readings' | 'rebuild'
  temp: ChannelConfig
  rh: ChannelConfig | null
}

/** Shallow equality of two flat records (all item fields are primitives). */
function same<T extends object>(a: T, b: T): boolean {
  for (const k of Object.keys(a) as (keyof T)[]) if (a[k] !== b[k]) return false
  return true
}

function overlaps(
  a: { startTs: number; endTs: number | null },
  bStart: number,
  bEnd: number | null,
): boolean {
  return a.startTs <= (bEnd ?? Number.POSITIVE_INFINITY) && bStart <= (a.endTs ?? Number.POSITIVE_INFINITY)
}

function fmt(v: number): string {
  return String(Math.round(v * 100) / 100)
}

function minutes(ms: number): string {
  return `${fmt(ms / 60_000)} min`
}

function excursionReason(
  old: Excursion,
  after: Items,
  ctx: DiffContext,
): { reason: string; supersededBy?: string } {
  const next = after.excursions.find(
    (e) => e.kind === old.kind && e.side === old.side && overlaps(e, old.startTs, old.endTs ?? old.lastTs),
  )
  if (next) {
    return {
      reason: `superseded by ${next.id}: the data now shows it started at ${iso(next.startTs)}`,
      supersededBy: next.id,
    }
  }
  if (ctx.source === 'rebuild')
    return { reason: 're-evaluation of the stored readings found no excursion here' }
  const cfg = old.kind === 'temperature' ? ctx.temp : ctx.rh
  const unit = old.kind === 'temperature' ? '°C' : '%RH'
  const inRange = ctx.arrived
    .filter((s) => s.ts >= old.startTs && s.ts <= old.lastTs)
    .map((s) => ({ ts: s.ts, v: old.kind === 'temperature' ? s.t : s.h }))
    .filter(
      (x): x is { ts: number; v: number } => x.v !== null && cfg !== null && classify(x.v, cfg) !== old.side,
    )
  if (inRange.length > 0) {
    const cited = inRange.slice(0, 3).map((x) => `${iso(x.ts)} (${fmt(x.v)} ${unit})`)
    const more = inRange.length > 3 ? ` and ${inRange.length - 3} more` : ''
    return { reason: `late data disproved it: readings at ${cited.join(', ')}${more} were in range` }
  }
  return { reason: 'late data disproved it: the value did not stay out of range for the alarm delay' }
}

function gapReason(old: Gap, after: Items, ctx: DiffContext): { reason: string; supersededBy?: string } {
  const next = after.gaps.find((g) => overlaps(g, old.startTs, old.endTs))
  const filled = ctx.arrived.filter(
    (s) => s.t !== null && s.ts > old.startTs && s.ts < (old.endTs ?? Infinity),
  )
  const arrived =
    filled.length > 0
      ? `${filled.length} reading(s) from ${iso(filled[0]!.ts)} to ${iso(filled[filled.length - 1]!.ts)} arrived`
      : 'readings arrived'
  if (next) {
    const to = next.endTs === null ? 'ongoing' : iso(next.endTs)
    return {
      reason: `superseded by ${next.id}: ${arrived}; the gap is ${iso(next.startTs)} to ${to}`,
      supersededBy: next.id,
    }
  }
  if (ctx.source === 'rebuild') return { reason: 're-evaluation of the stored readings found no gap here' }
  return { reason: `late data filled it: ${arrived}; no interval is longer than the maximum gap` }
}

/** Events turning `before` into `after`: withdrawals first, then the rest by start time. */
export function diffItems(before: Items, after: Items, ctx: DiffContext): RuleEvent[] {
  const withdrawn: RuleEvent[] = []
  const changes: { at: number; event: RuleEvent }[] = []

  const oldGaps = new Map(before.gaps.map((g) => [g.id, g]))
  const newGaps = new Set(after.gaps.map((g) => g.id))
  for (const g of before.gaps)
    if (!newGaps.has(g.id)) withdrawn.push({ type: 'gap_withdrawn', gap: g, ...gapReason(g, after, ctx) })
  for (const gap of after.gaps) {
    const old = oldGaps.get(gap.id)
    if (!old) {
      changes.push({ at: gap.startTs, event: { type: 'gap_opened', gap } })
      if (gap.endTs !== null) changes.push({ at: gap.startTs, event: { type: 'gap_closed', gap } })
    } else if (old.endTs === null && gap.endTs !== null) {
      changes.push({ at: gap.startTs, event: { type: 'gap_closed', gap } })
    } else if (!same(old, gap)) {
      changes.push({ at: gap.startTs, event: { type: 'gap_updated', gap } })
    }
  }

  const oldExc = new Map(before.excursions.map((e) => [e.id, e]))
  const newExc = new Set(after.excursions.map((e) => e.id))
  for (const e of before.excursions) {
    if (!newExc.has(e.id))
      withdrawn.push({ type: 'excursion_withdrawn', excursion: e, ...excursionReason(e, after, ctx) })
  }
  for (const excursion of after.excursions) {
    const old = oldExc.get(excursion.id)
    const at = excursion.startTs
    if (!old) {
      const detectedLate = ctx.knownUntil !== null && excursion.openedAt < ctx.knownUntil
      changes.push({ at, event: { type: 'excursion_opened', excursion, detectedLate } })
      if (excursion.endTs !== null) changes.push({ at, event: { type: 'excursion_cleared', excursion } })
    } else if (old.endTs === null && excursion.endTs !== null) {
      changes.push({ at, event: { type: 'excursion_cleared', excursion } })
    } else if (!same(old, excursion)) {
      changes.push({ at, event: { type: 'excursion_updated', excursion } })
    }
  }
  changes.sort((a, b) => a.at - b.at)
  return withdrawn.concat(changes.map((c) => c.event))
}

/**
 * `budget_exhausted` fires once when the budget is passed; `budget_withdrawn` if late data takes that back. Of
 * the budget before, only when it was exhausted matters (the engine keeps no more of it).
 */
export function diffBudget(
  before: Pick<BudgetStatus, 'exhaustedAt'>,
  after: BudgetStatus,
  ctx: DiffContext,
): RuleEvent[] {
  if (before.exhaustedAt === null && after.exhaustedAt !== null)
    return [{ type: 'budget_exhausted', budget: after }]
  if (before.exhaustedAt !== null && after.exhaustedAt === null) {
    const why = ctx.source === 'rebuild' ? 're-evaluation of the stored readings' : 'late data'
    const reason = `${why} reduced the time out of range to ${minutes(after.outOfRangeMs)}, within the ${minutes(after.budgetMs ?? 0)} budget`
    return [{ type: 'budget_withdrawn', budget: after, reason }]
  }
  return []
}
