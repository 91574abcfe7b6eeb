/**
 * Alert rules: raising, updating, clearing and withdrawing on behalf of detectors (system), acknowledging and
 * resolving on behalf of people, and escalation. One open alert per (waybill, kind): a new occurrence updates
 * it (and re-activates it when it had cleared) instead of repeating it. Every change is recorded as a
 * transition with who, when and a note, and returned as an event for dashboards and writeback.
 * Synchronous by design: detectors call it inside the ingest transaction.
 */
import type { Config } from '../config.js'
import { AppError } from '../errors.js'
import type { Database } from '../store/database.js'
import {
  type AlertAction,
  type AlertKind,
  type Disposition,
  isAcknowledged,
  type Severity,
  transition,
} from './lifecycle.js'
import { type Alert, type AlertFilter, AlertRepository, type AlertSource } from './repository.js'
import { maxSeverity, type SourceChange, withSource } from './sources.js'

export type AlertEventType =
  | 'alert.opened'
  | 'alert.updated'
  | 'alert.acknowledged'
  | 'alert.cleared'
  | 'alert.reactivated'
  | 'alert.resolved'
  | 'alert.escalated'

/** A type alias rather than an interface, so it fits the event bus's open `GatewayEvent` shape. */
export type AlertEvent = {
  type: AlertEventType
  alert: Alert
}

/** A detector's finding that a condition exists (e.g. one excursion). `sourceId` is stable across updates. */
export interface RaiseInput {
  kind: AlertKind
  waybill: string
  sourceId: string
  severity: Severity
  title: string
  startedAt: number
  detectedLate?: boolean
  detail?: Record<string, unknown>
}

export const SYSTEM = 'system'

export class AlertService {
  readonly repo: AlertRepository

  constructor(
    db: Database,
    private readonly options: Config['alerts'],
    private readonly clock: () => number = Date.now,
  ) {
    this.repo = new AlertRepository(db)
  }

  private ackSla(severity: Severity): number {
    const { ackSlaMinorMs, ackSlaMajorMs, ackSlaCriticalMs } = this.options
    return { minor: ackSlaMinorMs, major: ackSlaMajorMs, critical: ackSlaCriticalMs }[severity]
  }

  private move(alert: Alert, action: AlertAction, actor: string, note: string | null): Alert {
    const result = transition(alert.state, action, actor === SYSTEM ? 'system' : 'person')
    if (!result.ok) throw new AppError('CONFLICT', result.reason, { state: alert.state })
    const now = this.clock()
    this.repo.record(alert.id, { action, from: alert.state, to: result.to, at: now, actor, note })
    return { ...alert, state: result.to, updatedAt: now }
  }

  /** A condition exists: open an alert, or fold the occurrence into the open one. */
  raise(input: RaiseInput): AlertEvent[] {
    const now = this.clock()
    const source = { open: true, startedAt: input.startedAt, endedAt: null, detail: input.detail ?? {} }
    const existing = this.repo.open(input.waybill, input.kind)
    if (!existing) {
      const draft = {
        kind: input.kind,
        waybill: input.waybill,
        state: 'active_unack' as const,
        severity: input.severity,
        title: input.title,
        sources: { [input.sourceId]: source },
        detectedLate: input.detectedLate ?? false,
        conditionStartedAt: input.startedAt,
        conditionEndedAt: null,
        openedAt: now,
        updatedAt: now,
        ackedAt: null,
        ackedBy: null,
        clearedAt: null,
        resolvedAt: null,
        resolvedBy: null,
        disposition: null,
        resolutionNote: null,
        escalationLevel: 0,
        nextEscalationAt: now + this.ackSla(input.severity),
      }
      const alert = this.repo.insert(draft)
      this.repo.record(alert.id, {
        action: 'open',
        from: null,
        to: 'active_unack',
        at: now,
        actor: SYSTEM,
        note: input.title,
      })
      return [{ type: 'alert.opened', alert }]
    }
    let alert: Alert = {
      ...existing,
      sources: { ...existing.sources, [input.sourceId]: source },
      severity: maxSeverity(existing.severity, input.severity),
      title: input.title,
      detectedLate: existing.detectedLate || (input.detectedLate ?? false),
      conditionStartedAt: Math.min(existing.conditionStartedAt ?? input.startedAt, input.startedAt),
      conditionEndedAt: null,
      updatedAt: now,
    }
    const events: AlertEvent[] = []
    if (alert.state === 'cleared_unack' || alert.state === 'cleared_ack') {
      alert = this.move(alert, 'reactivate', SYSTEM, input.title)
      alert = {
        ...alert,
        ackedAt: null,
        ackedBy: null,
        clearedAt: null,
        nextEscalationAt: now + this.ackSla(alert.severity),
      }
      events.push({ type: 'alert.reactivated', alert })
    } else {
      events.push({ type: 'alert.updated', alert })
    }
    this.repo.update(alert)
    return events
  }

  /**
   * Updates a source's details (a growing peak, say) without changing the state; `worth` (given the source as
   * stored) decides whether the change is worth a write at all.
   */
  update(
    input: Pick<RaiseInput, 'kind' | 'waybill' | 'sourceId'> & SourceChange,
    worth: (source: AlertSource) => boolean = () => true,
  ): AlertEvent[] {
    const alert = this.repo.open(input.waybill, input.kind)
    const source = alert?.sources[input.sourceId]
    if (!alert || !source || !worth(source)) return []
    const next: Alert = { ...withSource(alert, input.sourceId, source, input), updatedAt: this.clock() }
    this.repo.update(next)
    return [{ type: 'alert.updated', alert: next }]
  }

  /**
   * One source's condition ended (with its final details, if given); the alert clears when none is left open.
   * One read and one write, whatever the outcome.
   */
  clear(
    input: { kind: AlertKind; waybill: string; sourceId: string; endedAt: number } & Partial<SourceChange>,
  ): AlertEvent[] {
    const alert = this.repo.open(input.waybill, input.kind)
    const source = alert?.sources[input.sourceId]
    if (!alert || !source) return []
    const ended = { ...source, open: false, endedAt: input.endedAt }
    let next = withSource(alert, input.sourceId, ended, {
      detail: input.detail ?? {},
      severity: input.severity,
    })
    const stillOpen = Object.values(next.sources).some((s) => s.open)
    if (stillOpen || next.state === 'cleared_unack' || next.state === 'cleared_ack') {
      next = { ...next, updatedAt: this.clock() }
      this.repo.update(next)
      return [{ type: 'alert.updated', alert: next }]
    }
    next = this.move(next, 'clear', SYSTEM, `condition ended at ${new Date(input.endedAt).toISOString()}`)
    next = { ...next, clearedAt: this.clock(), conditionEndedAt: input.endedAt }
    this.repo.update(next)
    return [{ type: 'alert.cleared', alert: next }]
  }

  /**
   * Late data disproved a source. The source stays in the alert, closed and marked `withdrawn` with the
   * reason (readers of the alert see what was disproved and why). Without other sources standing the alert is
   * resolved by the system as a false alarm, with the reason; otherwise the alert is updated.
   */
  withdraw(input: { kind: AlertKind; waybill: string; sourceId: string; reason: string }): AlertEvent[] {
    const alert = this.repo.open(input.waybill, input.kind)
    const gone = alert?.sources[input.sourceId]
    if (!alert || !gone || gone.detail['withdrawn'] === true) return []
    const sources = {
      ...alert.sources,
      [input.sourceId]: {
        ...gone,
        open: false,
        detail: { ...gone.detail, withdrawn: true, withdrawnReason: input.reason },
      },
    }
    const standing = Object.values(sources).filter((s) => s.detail['withdrawn'] !== true)
    if (standing.length > 0) {
      let next: Alert = { ...alert, sources, updatedAt: this.clock() }
      this.repo.record(alert.id, {
        action: 'withdraw-source',
        from: alert.state,
        to: alert.state,
        at: this.clock(),
        actor: SYSTEM,
        note: input.reason,
      })
      const active = alert.state === 'active_unack' || alert.state === 'active_ack'
      if (active && standing.every((s) => !s.open)) {
        // The withdrawn source was the only one still going: what stands has ended.
        const endedAt = Math.max(...standing.map((s) => s.endedAt ?? s.startedAt))
        next = this.move(next, 'clear', SYSTEM, input.reason)
        next = { ...next, clearedAt: this.clock(), conditionEndedAt: endedAt }
        this.repo.update(next)
        return [{ type: 'alert.cleared', alert: next }]
      }
      this.repo.update(next)
      return [{ type: 'alert.updated', alert: next }]
    }
    let next = this.move({ ...alert, sources }, 'resolve', SYSTEM, input.reason)
    next = {
      ...next,
      resolvedAt: this.clock(),
      resolvedBy: SYSTEM,
      disposition: 'false_alarm',
      resolutionNote: input.reason,
      nextEscalationAt: null,
    }
    this.repo.update(next)
    return [{ type: 'alert.resolved', alert: next }]
  }

  ack(id: number, actor: string, note: string | null): AlertEvent[] {
    const alert = this.get(id)
    if (isAcknowledged(alert.state)) return [] // acknowledging twice is harmless: nothing changes
    let next = this.move(alert, 'ack', actor, note)
    next = { ...next, ackedAt: this.clock(), ackedBy: actor, nextEscalationAt: null }
    this.repo.update(next)
    return [{ type: 'alert.acknowledged', alert: next }]
  }

  resolve(id: number, actor: string, disposition: Disposition, note: string): AlertEvent[] {
    const alert = this.get(id)
    let next = this.move(alert, 'resolve', actor, `${disposition}: ${note}`)
    next = {
      ...next,
      resolvedAt: this.clock(),
      resolvedBy: actor,
      disposition,
      resolutionNote: note,
      nextEscalationAt: null,
    }
    this.repo.update(next)
    return [{ type: 'alert.resolved', alert: next }]
  }

  /** Raises the escalation level of every alert left unacknowledged past its deadline, and re-arms it. */
  escalateDue(): AlertEvent[] {
    const now = this.clock()
    return this.repo.dueForEscalation(now).map((alert) => {
      const level = alert.escalationLevel + 1
      const next: Alert = {
        ...alert,
        escalationLevel: level,
        nextEscalationAt: now + this.ackSla(alert.severity),
        updatedAt: now,
      }
      this.repo.record(alert.id, {
        action: 'escalate',
        from: alert.state,
        to: alert.state,
        at: now,
        actor: SYSTEM,
        note: `level ${level}: not acknowledged in time`,
      })
      this.repo.update(next)
      return { type: 'alert.escalated', alert: next }
    })
  }

  get(id: number): Alert {
    const alert = this.repo.get(id)
    if (!alert) throw new AppError('NOT_FOUND', `no alert ${id}`)
    return alert
  }

  list(filter: AlertFilter): Alert[] {
    return this.repo.list(filter)
  }
}
