/**
 * Re-evaluation from the store, made to report only what changed: the fresh report of a waybill (engine items
 * plus the custody edges below) compared with what was reported before (findings.ts), with the engine's own
 * diff (src/rules/diff.ts), so events and withdrawal reasons read the same whichever path found them.
 *
 * Custody edges. The engine sees readings only; the custody window bounds them (issue 3: "a data gap is
 * unknown, never in range", from pickup to signature):
 * - from pickup to the first reading longer than the maximum gap is a data gap (ongoing while none came);
 * - after delivery nothing is silent any more: an ongoing silence becomes the gap from the last reading to
 *   delivery (same id, so the open gap closes), when that is longer than the maximum gap.
 */
import { channelsOf } from '../rules/channel.js'
import { type DiffContext, diffBudget, diffItems, type Items } from '../rules/diff.js'
import type { BudgetStatus, Gap, Report, RuleEvent, TemperatureProfile } from '../rules/index.js'
import type { Sample } from '../rules/readings.js'
import { gapId } from '../rules/scan.js'
import type { Reported } from './findings.js'

/** The custody window of a waybill, device time (waybills.picked_up_at / delivered_at). */
export interface CustodyWindow {
  pickedUpAt: number | null
  deliveredAt: number | null
}

const gap = (scope: string, startTs: number, endTs: number | null): Gap => ({
  id: gapId(scope, startTs),
  startTs,
  endTs,
  durationMs: endTs === null ? null : endTs - startTs,
})

/** The report's excursions and gaps, bounded by the custody window; `now` is set while custody is open. */
export function withCustodyEdges(
  scope: string,
  r: Report,
  w: CustodyWindow,
  maxGapMs: number,
  now: number | null,
): Items {
  let gaps = [...r.gaps]
  const first = r.stats.firstTs
  const last = r.stats.lastTs
  if (w.deliveredAt !== null) {
    gaps = gaps.filter((g) => g.endTs !== null)
    if (last !== null && w.deliveredAt - last > maxGapMs) gaps.push(gap(scope, last, w.deliveredAt))
  }
  if (w.pickedUpAt !== null) {
    const end = first ?? w.deliveredAt
    const horizon = end ?? now
    if (
      horizon !== null &&
      horizon - w.pickedUpAt > maxGapMs &&
      !gaps.some((g) => g.startTs === w.pickedUpAt)
    ) {
      gaps.push(gap(scope, w.pickedUpAt, end))
    }
  }
  return { excursions: r.excursions, gaps: gaps.sort((a, b) => a.startTs - b.startTs) }
}

/** The budget as it stands when nothing was reported yet. */
function untouched(profile: TemperatureProfile): BudgetStatus {
  const budgetMs = profile.cumulativeBudgetMs
  return { budgetMs, outOfRangeMs: 0, leftMs: budgetMs, exhaustedAt: null }
}

/**
 * Events turning what was reported into the fresh evaluation. `knownUntil` is the newest device time the
 * gateway knew before (an excursion established before it is reported as detected late); `arrived` are the
 * samples that came with this evaluation, cited in withdrawal reasons.
 */
export function reconcile(
  before: Reported,
  after: { items: Items; budget: BudgetStatus },
  profile: TemperatureProfile,
  context: { knownUntil: number | null; arrived: readonly Sample[] },
): RuleEvent[] {
  const { temp, rh } = channelsOf(profile)
  const ctx: DiffContext = { ...context, source: 'rebuild', temp, rh }
  const events = diffItems({ excursions: before.excursions, gaps: before.gaps }, after.items, ctx)
  return events.concat(diffBudget(before.budget ?? untouched(profile), after.budget, ctx))
}
