/** SQL for alerts and their transitions; no rules here (those live in service.ts and lifecycle.ts). */
import type { Database } from '../store/database.js'
import type { AlertKind, AlertState, Disposition, Severity } from './lifecycle.js'

export interface AlertSource {
  open: boolean
  startedAt: number
  endedAt: number | null
  detail: Record<string, unknown>
}

export interface Alert {
  id: number
  kind: AlertKind
  waybill: string
  state: AlertState
  severity: Severity
  title: string
  sources: Record<string, AlertSource>
  detectedLate: boolean
  conditionStartedAt: number | null
  conditionEndedAt: number | null
  openedAt: number
  updatedAt: number
  ackedAt: number | null
  ackedBy: string | null
  clearedAt: number | null
  resolvedAt: number | null
  resolvedBy: string | null
  disposition: Disposition | null
  resolutionNote: string | null
  escalationLevel: number
  nextEscalationAt: number | null
}

export interface AlertTransition {
  action: string
  from: AlertState | null
  to: AlertState
  at: number
  actor: string
  note: string | null
}

export interface AlertFilter {
  state?: AlertState | 'open'
  kind?: AlertKind
  waybill?: string
  waybills?: string[]
  severity?: Severity
  /** Keyset pagination: alerts with id below this, newest first. */
  before?: number
  limit: number
}

type Row = Record<string, unknown>

function toAlert(r: Row): Alert {
  return {
    id: r.id as number,
    kind: r.kind as AlertKind,
    waybill: r.waybill as string,
    state: r.state as AlertState,
    severity: r.severity as Severity,
    title: r.title as string,
    sources: JSON.parse(r.sources as string) as Record<string, AlertSource>,
    detectedLate: r.detected_late === 1,
    conditionStartedAt: r.condition_started_at as number | null,
    conditionEndedAt: r.condition_ended_at as number | null,
    openedAt: r.opened_at as number,
    updatedAt: r.updated_at as number,
    ackedAt: r.acked_at as number | null,
    ackedBy: r.acked_by as string | null,
    clearedAt: r.cleared_at as number | null,
    resolvedAt: r.resolved_at as number | null,
    resolvedBy: r.resolved_by as string | null,
    disposition: r.disposition as Disposition | null,
    resolutionNote: r.resolution_note as string | null,
    escalationLevel: r.escalation_level as number,
    nextEscalationAt: r.next_escalation_at as number | null,
  }
}

const columns: Record<keyof Omit<Alert, 'id'>, string> = {
  kind: 'kind',
  waybill: 'waybill',
  state: 'state',
  severity: 'severity',
  title: 'title',
  sources: 'sources',
  detectedLate: 'detected_late',
  conditionStartedAt: 'condition_started_at',
  conditionEndedAt: 'condition_ended_at',
  openedAt: 'opened_at',
  updatedAt: 'updated_at',
  ackedAt: 'acked_at',
  ackedBy: 'acked_by',
  clearedAt: 'cleared_at',
  resolvedAt: 'resolved_at',
  resolvedBy: 'resolved_by',
  disposition: 'disposition',
  resolutionNote: 'resolution_note',
  escalationLevel: 'escalation_level',
  nextEscalationAt: 'next_escalation_at',
}

function toRow(alert: Omit<Alert, 'id'>): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  for (const [key, column] of Object.entries(columns)) {
    const value = alert[key as keyof typeof columns]
    row[column] =
      key === 'sources' ? JSON.stringify(value) : typeof value === 'boolean' ? (value ? 1 : 0) : value
  }
  return row
}

export class AlertRepository {
  private readonly names = Object.values(columns)
  private readonly insertStmt
  private readonly updateStmt
  private readonly openStmt
  private readonly byIdStmt
  private readonly transitionStmt

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO alerts (${this.names.join(', ')}) VALUES (${this.names.map((n) => `@${n}`).join(', ')})`,
    )
    this.updateStmt = db.prepare(
      `UPDATE alerts SET ${this.names.map((n) => `${n} = @${n}`).join(', ')} WHERE id = @id`,
    )
    this.openStmt = db.prepare("SELECT * FROM alerts WHERE waybill = ? AND kind = ? AND state != 'resolved'")
    this.byIdStmt = db.prepare('SELECT * FROM alerts WHERE id = ?')
    this.transitionStmt = db.prepare(
      'INSERT INTO alert_transitions (alert_id, action, from_state, to_state, at, actor, note) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
  }

  insert(alert: Omit<Alert, 'id'>): Alert {
    const id = Number(this.insertStmt.run(toRow(alert)).lastInsertRowid)
    return { ...alert, id }
  }

  update(alert: Alert): void {
    this.updateStmt.run({ ...toRow(alert), id: alert.id })
  }

  open(waybill: string, kind: AlertKind): Alert | null {
    const row = this.openStmt.get(waybill, kind) as Row | undefined
    return row ? toAlert(row) : null
  }

  get(id: number): Alert | null {
    const row = this.byIdStmt.get(id) as Row | undefined
    return row ? toAlert(row) : null
  }

  record(alertId: number, t: AlertTransition): void {
    this.transitionStmt.run(alertId, t.action, t.from, t.to, t.at, t.actor, t.note)
  }

  transitions(alertId: number): AlertTransition[] {
    return (
      this.db
        .prepare(
          'SELECT action, from_state, to_state, at, actor, note FROM alert_transitions WHERE alert_id = ? ORDER BY id',
        )
        .all(alertId) as Row[]
    ).map((r) => ({
      action: r.action as string,
      from: r.from_state as AlertState | null,
      to: r.to_state as AlertState,
      at: r.at as number,
      actor: r.actor as string,
      note: r.note as string | null,
    }))
  }

  list(filter: AlertFilter): Alert[] {
    const where: string[] = []
    const args: unknown[] = []
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause)
      args.push(...values)
    }
    if (filter.state === 'open') add("state != 'resolved'")
    else if (filter.state) add('state = ?', filter.state)
    if (filter.kind) add('kind = ?', filter.kind)
    if (filter.severity) add('severity = ?', filter.severity)
    if (filter.waybill) add('waybill = ?', filter.waybill)
    if (filter.waybills) {
      if (filter.waybills.length === 0) return []
      // One JSON parameter rather than one per waybill: a merchant's list may pass SQLite's variable limit.
      add('waybill IN (SELECT value FROM json_each(?))', JSON.stringify(filter.waybills))
    }
    if (filter.before) add('id < ?', filter.before)
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`
    return (this.db.prepare(sql).all(...args, filter.limit) as Row[]).map(toAlert)
  }

  /** Unacknowledged alerts whose acknowledgement deadline has passed. */
  dueForEscalation(now: number): Alert[] {
    return (
      this.db
        .prepare(
          'SELECT * FROM alerts WHERE next_escalation_at IS NOT NULL AND next_escalation_at <= ? ORDER BY next_escalation_at',
        )
        .all(now) as Row[]
    ).map(toAlert)
  }
}
