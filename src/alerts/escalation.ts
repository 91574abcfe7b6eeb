/**
 * Escalation sweeper: every `escalationSweepMs` it escalates alerts left unacknowledged past their deadline
 * (default 10 minutes) and hands the events on. Deadlines are stored, so a restart loses no escalation.
 */
import type { Config } from '../config.js'
import type { Logger } from '../log.js'
import type { AlertEvent, AlertService } from './service.js'

export class EscalationSweeper {
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly alerts: AlertService,
    private readonly options: Config['alerts'],
    private readonly emit: (events: AlertEvent[]) => void,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.options.escalationSweepMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  sweep(): void {
    try {
      const events = this.alerts.escalateDue()
      for (const e of events)
        this.log.warn(
          { alertId: e.alert.id, waybill: e.alert.waybill, level: e.alert.escalationLevel },
          'alert escalated',
        )
      if (events.length) this.emit(events)
    } catch (err) {
      this.log.error({ err }, 'escalation sweep failed')
    }
  }
}
