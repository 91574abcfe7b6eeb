/**
 * Monitoring facts → alerts (issue 3 "Alerts": kinds temperature, humidity, data gap, transit stalled, budget
 * exhausted, sensor fault). Each occurrence is one source of the waybill's open alert of its kind, keyed by the
 * finding's id, so an excursion found again after a rebuild folds into the same alert instead of repeating it
 * (AlertService: one open alert per waybill and kind). Detection stays in the monitor; this unit only decides
 * what people are told.
 */
import type { AlertKind, Severity } from '../alerts/lifecycle.js'
import type { AlertSource } from '../alerts/repository.js'
import type { AlertEvent, AlertService } from '../alerts/service.js'
import type { ExcursionEvent, GapEvent, MonitoringEvent } from './events.js'
import { isMonitoringEvent } from './events.js'
import { budgetId } from './findings.js'

const iso = (ms: number): string => new Date(ms).toISOString()
const fmt = (v: number): string => String(Math.round(v * 10) / 10)

// Severities of the kinds without bands: not knowing the temperature is as serious as a major excursion; a
// spent budget means the goods are out of their allowance, which someone must decide on now; one absurd value
// is a maintenance matter.
const GAP_SEVERITY: Severity = 'major'
const STALL_SEVERITY: Severity = 'major'
const BUDGET_SEVERITY: Severity = 'critical'
const FAULT_SEVERITY: Severity = 'minor'

function excursionDetail(e: ExcursionEvent): Record<string, unknown> {
  const x = e.excursion
  return {
    side: x.side,
    peak: x.peak,
    area: x.areaDegreeMinutes,
    startedAt: x.startedAt,
    endedAt: x.endedAt,
    severity: x.severity,
    profile: x.profile,
  }
}

function excursionTitle(e: ExcursionEvent): string {
  const x = e.excursion
  const what = x.kind === 'temperature' ? 'Temperature' : 'Humidity'
  const unit = x.kind === 'temperature' ? '°C' : '%RH'
  const late = x.detectedLate ? ' (found in late data)' : ''
  return `${what} too ${x.side} since ${iso(x.startedAt)}, peak ${fmt(x.peak)} ${unit}${late}`
}

function gapDetail(e: GapEvent): Record<string, unknown> {
  return { startedAt: e.gap.startedAt, endedAt: e.gap.endedAt, durationMs: e.gap.durationMs }
}

export class AlertMapper {
  constructor(private readonly alerts: AlertService) {}

  /** The alert transitions for the monitoring facts among `facts` (others are ignored), in order. */
  apply(facts: readonly unknown[]): AlertEvent[] {
    const out: AlertEvent[] = []
    for (const fact of facts) if (isMonitoringEvent(fact)) out.push(...this.one(fact))
    return out
  }

  private one(e: MonitoringEvent): AlertEvent[] {
    const a = this.alerts
    switch (e.type) {
      case 'excursion.opened':
        return a.raise({
          kind: e.excursion.kind,
          waybill: e.waybill,
          sourceId: e.excursion.id,
          severity: e.excursion.severity,
          title: excursionTitle(e),
          startedAt: e.excursion.startedAt,
          detectedLate: e.excursion.detectedLate,
          detail: excursionDetail(e),
        })
      case 'excursion.updated':
        return this.refresh(
          e.excursion.kind,
          e.waybill,
          e.excursion.id,
          excursionDetail(e),
          e.excursion.severity,
        )
      case 'excursion.cleared': {
        const { kind, id, endedAt, severity } = e.excursion
        const detail = excursionDetail(e)
        return a.clear({ kind, waybill: e.waybill, sourceId: id, endedAt: endedAt ?? 0, detail, severity })
      }
      case 'excursion.withdrawn':
        return a.withdraw({
          kind: e.excursion.kind,
          waybill: e.waybill,
          sourceId: e.excursion.id,
          reason: e.reason ?? 'withdrawn',
        })
      case 'gap.opened':
        return a.raise({
          kind: 'data_gap',
          waybill: e.waybill,
          sourceId: e.gap.id,
          severity: GAP_SEVERITY,
          title: `No temperature data since ${iso(e.gap.startedAt)}`,
          startedAt: e.gap.startedAt,
          detail: gapDetail(e),
        })
      case 'gap.updated':
        return this.refresh('data_gap', e.waybill, e.gap.id, gapDetail(e))
      case 'gap.closed': {
        const endedAt = e.gap.endedAt ?? e.gap.startedAt
        const detail = gapDetail(e)
        return a.clear({ kind: 'data_gap', waybill: e.waybill, sourceId: e.gap.id, endedAt, detail })
      }
      case 'gap.withdrawn':
        return a.withdraw({
          kind: 'data_gap',
          waybill: e.waybill,
          sourceId: e.gap.id,
          reason: e.reason ?? '',
        })
      case 'budget.exhausted':
        return a.raise({
          kind: 'budget_exhausted',
          waybill: e.waybill,
          sourceId: budgetId(e.waybill),
          severity: BUDGET_SEVERITY,
          title: `Out-of-range budget of ${fmt((e.budget.budgetMs ?? 0) / 60_000)} min spent (${e.profile})`,
          startedAt: e.budget.exhaustedAt ?? 0,
          detail: { ...e.budget },
        })
      case 'budget.withdrawn':
        return a.withdraw({
          kind: 'budget_exhausted',
          waybill: e.waybill,
          sourceId: budgetId(e.waybill),
          reason: e.reason ?? '',
        })
      case 'sensor.fault':
        return a.raise({
          kind: 'sensor_fault',
          waybill: e.waybill,
          sourceId: `${e.deviceId}:${e.seq}`,
          severity: FAULT_SEVERITY,
          title: `Sensor ${e.deviceId} reported an implausible value (${e.fault ?? e.tempC})`,
          startedAt: e.ts,
          detail: { deviceId: e.deviceId, seq: e.seq, tempC: e.tempC, fault: e.fault },
        })
      case 'sensor.recovered':
        return this.recover(e.waybill, e.deviceId, e.ts)
      case 'transit.stalled':
        return a.raise({
          kind: 'transit_stalled',
          waybill: e.waybill,
          sourceId: e.stallId,
          severity: STALL_SEVERITY,
          title: `No tracking node since ${iso(e.lastNodeAt)} (${e.lastEvent}); ${e.slaTier} allows ${fmt(e.maxIntervalMs / 3_600_000)} h`,
          startedAt: e.dueAt,
          detail: { lastNodeAt: e.lastNodeAt, lastEvent: e.lastEvent, dueAt: e.dueAt, slaTier: e.slaTier },
        })
      case 'transit.resumed':
        return a.clear({
          kind: 'transit_stalled',
          waybill: e.waybill,
          sourceId: e.stallId,
          endedAt: e.nodeAt,
        })
      case 'node.temperature':
        return []
    }
  }

  /**
   * Updates a source's detail when what people read changed (peak, end, severity): an excursion changes its
   * area with every reading, which is not worth an alert update each time.
   */
  private refresh(
    kind: AlertKind,
    waybill: string,
    sourceId: string,
    detail: Record<string, unknown>,
    severity?: Severity,
  ): AlertEvent[] {
    const worth = (source: AlertSource) =>
      ['peak', 'endedAt', 'severity', 'durationMs'].some(
        (key) => key in detail && source.detail[key] !== detail[key],
      )
    return this.alerts.update({ kind, waybill, sourceId, detail, severity }, worth)
  }

  /** A sensor reads sensibly again: its fault sources on the waybill's alert end. */
  private recover(waybill: string, deviceId: string, at: number): AlertEvent[] {
    const alert = this.alerts.repo.open(waybill, 'sensor_fault')
    if (!alert) return []
    return Object.entries(alert.sources)
      .filter(([, s]) => s.open && s.detail['deviceId'] === deviceId)
      .flatMap(([sourceId]) =>
        this.alerts.clear({ kind: 'sensor_fault', waybill, sourceId, endedAt: Math.max(at, 0) }),
      )
  }
}
