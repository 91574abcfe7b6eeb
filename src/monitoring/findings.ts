/**
 * What monitoring reported per waybill (`waybill_findings`): each excursion, data gap, budget exhaustion and
 * stall with its latest snapshot, withdrawn ones kept with the reason (issue 3: "one that the late data
 * disproves is withdrawn with a reason"). Written in the transaction of the evaluation that reported it; read
 * by the trail, and as the baseline a re-evaluation from the store is diffed against (reconcile.ts).
 */
import type { BudgetStatus, Excursion, Gap, RuleEvent } from '../rules/index.js'
import type { Database } from '../store/database.js'
import type { BudgetEvent, ExcursionEvent, ExcursionView, GapEvent, GapView } from './events.js'

export type FindingKind = 'temperature' | 'humidity' | 'data_gap' | 'budget' | 'stall'
export type FindingState = 'open' | 'closed' | 'withdrawn'

/** A finding as the trail shows it; `detail` is the snapshot (Excursion, Gap, BudgetStatus or stall). */
export interface Finding {
  id: string
  waybill: string
  kind: FindingKind
  state: FindingState
  startedAt: number
  endedAt: number | null
  detectedLate: boolean
  severity: string | null
  profile: string
  detail: Record<string, unknown>
  reason: string | null
  supersededBy: string | null
  firstSeenAt: number
  updatedAt: number
}

/** The items reported and not withdrawn: what a re-evaluation is compared with. */
export interface Reported {
  excursions: Excursion[]
  gaps: Gap[]
  budget: BudgetStatus | null
}

interface Row {
  id: string
  waybill: string
  kind: FindingKind
  state: FindingState
  started_at: number
  ended_at: number | null
  detected_late: number
  severity: string | null
  profile: string
  snapshot: string
  reason: string | null
  superseded_by: string | null
  first_seen_at: number
  updated_at: number
}

export const budgetId = (waybill: string): string => `${waybill}:budget`

export function excursionView(x: Excursion, detectedLate: boolean, profile: string): ExcursionView {
  return {
    id: x.id,
    kind: x.kind,
    side: x.side,
    startedAt: x.startTs,
    endedAt: x.endTs,
    peak: x.peak,
    areaDegreeMinutes: x.area,
    detectedLate,
    severity: x.severity,
    profile,
  }
}

export function gapView(g: Gap): GapView {
  return { id: g.id, startedAt: g.startTs, endedAt: g.endTs, durationMs: g.durationMs }
}

type Write = Omit<Row, 'waybill' | 'detected_late' | 'first_seen_at' | 'updated_at'> & {
  detected_late: number | null
}

export class FindingStore {
  private readonly s

  constructor(db: Database) {
    this.s = {
      // `detected_late` null keeps the stored value: only an opening says whether it was found late.
      upsert: db
        .prepare<[Write & { waybill: string; now: number }], number>(
          `INSERT INTO waybill_findings (id, waybill, kind, state, started_at, ended_at, detected_late, severity,
                                         profile, snapshot, reason, superseded_by, first_seen_at, updated_at)
           VALUES (@id, @waybill, @kind, @state, @started_at, @ended_at, coalesce(@detected_late, 0), @severity,
                   @profile, @snapshot, @reason, @superseded_by, @now, @now)
           ON CONFLICT (id) DO UPDATE SET state = excluded.state, started_at = excluded.started_at,
             ended_at = excluded.ended_at, detected_late = coalesce(@detected_late, detected_late),
             severity = excluded.severity, profile = excluded.profile, snapshot = excluded.snapshot,
             reason = excluded.reason, superseded_by = excluded.superseded_by, updated_at = excluded.updated_at
           RETURNING detected_late`,
        )
        .pluck(),
      ofWaybill: db.prepare<[string], Row>(
        'SELECT * FROM waybill_findings WHERE waybill = ? ORDER BY started_at, id',
      ),
      get: db.prepare<[string], Row>('SELECT * FROM waybill_findings WHERE id = ?'),
      reported: db.prepare<[string], Row>(
        `SELECT * FROM waybill_findings WHERE waybill = ? AND state != 'withdrawn'
            AND kind IN ('temperature', 'humidity', 'data_gap', 'budget')`,
      ),
      openStalls: db.prepare<[string], Row>(
        `SELECT * FROM waybill_findings WHERE waybill = ? AND kind = 'stall' AND state = 'open'`,
      ),
    }
  }

  /** Stores what an engine event says and returns the fact for `ctx.events`. */
  record(
    waybill: string,
    e: RuleEvent,
    profile: string,
    now: number,
  ): ExcursionEvent | GapEvent | BudgetEvent {
    const write = (w: Write) => this.s.upsert.get({ ...w, waybill, now }) === 1
    const none = { reason: null, superseded_by: null }
    switch (e.type) {
      case 'excursion_opened':
      case 'excursion_updated':
      case 'excursion_cleared':
      case 'excursion_withdrawn': {
        const x = e.excursion
        const withdrawn = e.type === 'excursion_withdrawn'
        const late = write({
          id: x.id,
          kind: x.kind,
          state: withdrawn ? 'withdrawn' : x.endTs === null ? 'open' : 'closed',
          started_at: x.startTs,
          ended_at: x.endTs,
          detected_late: e.type === 'excursion_opened' ? (e.detectedLate ? 1 : 0) : null,
          severity: x.severity,
          profile,
          snapshot: JSON.stringify(x),
          ...(withdrawn ? { reason: e.reason, superseded_by: e.supersededBy ?? null } : none),
        })
        const type = `excursion.${e.type.slice('excursion_'.length)}` as ExcursionEvent['type']
        const event: ExcursionEvent = { type, waybill, excursion: excursionView(x, late, profile) }
        return withdrawn ? { ...event, reason: e.reason, ...supersede(e.supersededBy) } : event
      }
      case 'gap_opened':
      case 'gap_updated':
      case 'gap_closed':
      case 'gap_withdrawn': {
        const g = e.gap
        const withdrawn = e.type === 'gap_withdrawn'
        write({
          id: g.id,
          kind: 'data_gap',
          state: withdrawn ? 'withdrawn' : g.endTs === null ? 'open' : 'closed',
          started_at: g.startTs,
          ended_at: g.endTs,
          detected_late: e.type === 'gap_opened' ? 0 : null,
          severity: null,
          profile,
          snapshot: JSON.stringify(g),
          ...(withdrawn ? { reason: e.reason, superseded_by: e.supersededBy ?? null } : none),
        })
        const type = `gap.${e.type.slice('gap_'.length)}` as GapEvent['type']
        const event: GapEvent = { type, waybill, gap: gapView(g) }
        return withdrawn ? { ...event, reason: e.reason, ...supersede(e.supersededBy) } : event
      }
      case 'budget_exhausted':
      case 'budget_withdrawn': {
        const b = e.budget
        const withdrawn = e.type === 'budget_withdrawn'
        const previous = this.s.get.get(budgetId(waybill))
        write({
          id: budgetId(waybill),
          kind: 'budget',
          state: withdrawn ? 'withdrawn' : 'open',
          started_at: b.exhaustedAt ?? previous?.started_at ?? 0,
          ended_at: null,
          detected_late: 0,
          severity: 'critical',
          profile,
          snapshot: JSON.stringify(b),
          ...(withdrawn ? { reason: e.reason, superseded_by: null } : none),
        })
        const event: BudgetEvent = {
          type: withdrawn ? 'budget.withdrawn' : 'budget.exhausted',
          waybill,
          budget: b,
          profile,
        }
        return withdrawn ? { ...event, reason: e.reason } : event
      }
    }
  }

  /** Writes a finding that is not an engine item (a stall). */
  put(finding: Omit<Finding, 'firstSeenAt' | 'updatedAt'>, now: number): void {
    this.s.upsert.get({
      id: finding.id,
      waybill: finding.waybill,
      kind: finding.kind,
      state: finding.state,
      started_at: finding.startedAt,
      ended_at: finding.endedAt,
      detected_late: finding.detectedLate ? 1 : 0,
      severity: finding.severity,
      profile: finding.profile,
      snapshot: JSON.stringify(finding.detail),
      reason: finding.reason,
      superseded_by: finding.supersededBy,
      now,
    })
  }

  get(id: string): Finding | null {
    const row = this.s.get.get(id)
    return row ? toFinding(row) : null
  }

  list(waybill: string): Finding[] {
    return this.s.ofWaybill.all(waybill).map(toFinding)
  }

  openStalls(waybill: string): Finding[] {
    return this.s.openStalls.all(waybill).map(toFinding)
  }

  /** Excursions, gaps and the budget as last reported and not withdrawn. */
  reported(waybill: string): Reported {
    const out: Reported = { excursions: [], gaps: [], budget: null }
    for (const row of this.s.reported.all(waybill)) {
      const snapshot: unknown = JSON.parse(row.snapshot)
      if (row.kind === 'data_gap') out.gaps.push(snapshot as Gap)
      else if (row.kind === 'budget') out.budget = snapshot as BudgetStatus
      else out.excursions.push(snapshot as Excursion)
    }
    return out
  }
}

function supersede(id: string | undefined): { supersededBy?: string } {
  return id === undefined ? {} : { supersededBy: id }
}

function toFinding(r: Row): Finding {
  return {
    id: r.id,
    waybill: r.waybill,
    kind: r.kind,
    state: r.state,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    detectedLate: r.detected_late === 1,
    severity: r.severity,
    profile: r.profile,
    detail: JSON.parse(r.snapshot) as Record<string, unknown>,
    reason: r.reason,
    supersededBy: r.superseded_by,
    firstSeenAt: r.first_seen_at,
    updatedAt: r.updated_at,
  }
}
