/**
 * Target health for operations: how long a target has failed every attempt (gauge), and an alert of kind
 * `writeback_failing` once that lasts `failingAlertMs` (default 10 min), cleared by the next delivery. The
 * alert goes through the AlertService like any other (audit trail, escalation, the event stream); its
 * "waybill" is `target:<id>`, which keeps it out of every merchant's view and out of the writeback itself.
 */
import type { AlertEvent, AlertService } from '../../alerts/service.js'
import type { Logger } from '../../log.js'
import type { Metrics } from '../../metrics.js'
import type { Database } from '../../store/database.js'

export interface FailingAlertSink {
  service: AlertService
  /** Publishes the alert's changes once committed (the event bus). */
  publish(events: AlertEvent[]): void
}

interface State {
  since: number | null
  lastError: string | null
  /** Whether an alert is open; undefined until looked up (after a restart one may be open already). */
  alertOpen: boolean | undefined
}

const subject = (targetId: string): string => `target:${targetId}`

export class TargetHealth {
  private readonly states = new Map<string, State>()

  constructor(
    private readonly db: Database,
    private readonly failingAlertMs: number,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly alerts?: FailingAlertSink,
  ) {}

  private state(targetId: string): State {
    let s = this.states.get(targetId)
    if (!s) {
      s = { since: null, lastError: null, alertOpen: undefined }
      this.states.set(targetId, s)
    }
    return s
  }

  failure(targetId: string, at: number, reason: string): void {
    const s = this.state(targetId)
    if (s.since === null) s.since = at
    s.lastError = reason
  }

  success(targetId: string, at: number): void {
    const s = this.state(targetId)
    if (s.since !== null) this.log.info({ target: targetId, failedMs: at - s.since }, 'target recovered')
    s.since = null
    s.lastError = null
    if (s.alertOpen === false || !this.alerts) return
    const { service, publish } = this.alerts
    const events = this.db.transaction(() =>
      service.clear({
        kind: 'writeback_failing',
        waybill: subject(targetId),
        sourceId: subject(targetId),
        endedAt: at,
      }),
    )()
    s.alertOpen = false
    if (events.length > 0) publish(events)
  }

  /** Since when the target fails, or null while healthy. */
  failingSince(targetId: string): number | null {
    return this.states.get(targetId)?.since ?? null
  }

  /** Updates the gauges and raises the alerts that are due. */
  check(now: number, targetIds: Iterable<string>): void {
    for (const id of targetIds) {
      const s = this.state(id)
      this.metrics.writebackFailing.set({ target: id }, s.since === null ? 0 : (now - s.since) / 1000)
      if (s.since === null || now - s.since < this.failingAlertMs || s.alertOpen === true) continue
      this.log.warn({ target: id, since: s.since, lastError: s.lastError }, 'target failing')
      if (!this.alerts) {
        s.alertOpen = true
        continue
      }
      const { service, publish } = this.alerts
      const minutes = Math.round((now - s.since) / 60_000)
      const events = this.db.transaction(() =>
        service.raise({
          kind: 'writeback_failing',
          waybill: subject(id),
          sourceId: subject(id),
          severity: 'major',
          title: `writeback to ${id} failing for ${minutes} min: ${s.lastError ?? 'unknown error'}`.slice(
            0,
            500,
          ),
          startedAt: s.since as number,
          detail: { target: id, lastError: s.lastError },
        }),
      )()
      s.alertOpen = true
      publish(events)
    }
  }
}
