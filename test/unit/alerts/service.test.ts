import { beforeEach, describe, expect, it } from 'vitest'
import { AlertService } from '../../../src/alerts/service.js'
import { loadConfig } from '../../../src/config.js'
import { type Database, openDatabase } from '../../../src/store/database.js'

const config = loadConfig(
  {},
  { store: { file: ':memory:' }, alerts: { ackSlaMajorMs: 600_000, ackSlaCriticalMs: 300_000 } },
)
const excursion = (sourceId: string, startedAt = 1_000) => ({
  kind: 'temperature' as const,
  waybill: 'WB1',
  sourceId,
  severity: 'major' as const,
  title: 'Temperature above 8 °C',
  startedAt,
})

describe('alerts', () => {
  let db: Database
  let now: number
  let alerts: AlertService
  beforeEach(() => {
    db = openDatabase('.', config.store)
    now = 1_000_000
    alerts = new AlertService(db, config.alerts, () => now)
  })

  it('opens one alert per waybill and kind and folds further occurrences into it', () => {
    const [opened] = alerts.raise(excursion('x1'))
    const [again] = alerts.raise(excursion('x2', 5_000))
    expect(opened?.type).toBe('alert.opened')
    expect(again?.type).toBe('alert.updated')
    expect(again?.alert.id).toBe(opened?.alert.id)
    expect(Object.keys(again?.alert.sources ?? {})).toEqual(['x1', 'x2'])
    expect(alerts.list({ state: 'open', limit: 10 })).toHaveLength(1)
  })

  it('clears only when every occurrence has ended', () => {
    alerts.raise(excursion('x1'))
    alerts.raise(excursion('x2'))
    expect(
      alerts.clear({ kind: 'temperature', waybill: 'WB1', sourceId: 'x1', endedAt: 2_000 })[0]?.alert.state,
    ).toBe('active_unack')
    const [cleared] = alerts.clear({ kind: 'temperature', waybill: 'WB1', sourceId: 'x2', endedAt: 3_000 })
    expect(cleared).toMatchObject({
      type: 'alert.cleared',
      alert: { state: 'cleared_unack', conditionEndedAt: 3_000 },
    })
  })

  it('records who acknowledged, when and why, and stops escalating', () => {
    const [opened] = alerts.raise(excursion('x1'))
    now += 60_000
    const [acked] = alerts.ack(opened?.alert.id as number, 'li.wei', 'driver asked to check the reefer')
    expect(acked?.alert).toMatchObject({
      state: 'active_ack',
      ackedBy: 'li.wei',
      ackedAt: now,
      nextEscalationAt: null,
    })
    expect(
      alerts.repo.transitions(opened?.alert.id as number).map((t) => [t.action, t.actor, t.note]),
    ).toEqual([
      ['open', 'system', 'Temperature above 8 °C'],
      ['ack', 'li.wei', 'driver asked to check the reefer'],
    ])
  })

  it('refuses to resolve an alert nobody acknowledged', () => {
    const [opened] = alerts.raise(excursion('x1'))
    expect(() => alerts.resolve(opened?.alert.id as number, 'li.wei', 'release', 'fine')).toThrowError(
      /acknowledge/,
    )
  })

  it('resolves an acknowledged alert with a disposition, after which a new occurrence opens a new alert', () => {
    const [opened] = alerts.raise(excursion('x1'))
    const id = opened?.alert.id as number
    alerts.ack(id, 'li.wei', null)
    alerts.clear({ kind: 'temperature', waybill: 'WB1', sourceId: 'x1', endedAt: 2_000 })
    const [resolved] = alerts.resolve(id, 'li.wei', 'quarantine', 'probe core temperature 9.5 °C')
    expect(resolved?.alert).toMatchObject({
      state: 'resolved',
      disposition: 'quarantine',
      resolvedBy: 'li.wei',
    })
    const [fresh] = alerts.raise(excursion('x3', 9_000))
    expect(fresh?.type).toBe('alert.opened')
    expect(fresh?.alert.id).not.toBe(id)
  })

  it('re-activates a cleared alert when the condition comes back, asking for a new acknowledgement', () => {
    const [opened] = alerts.raise(excursion('x1'))
    alerts.ack(opened?.alert.id as number, 'li.wei', null)
    alerts.clear({ kind: 'temperature', waybill: 'WB1', sourceId: 'x1', endedAt: 2_000 })
    const [back] = alerts.raise(excursion('x2', 4_000))
    expect(back).toMatchObject({ type: 'alert.reactivated', alert: { state: 'active_unack', ackedBy: null } })
  })

  it('escalates an unacknowledged alert after its acknowledgement SLA, and again every period', () => {
    alerts.raise(excursion('x1'))
    now += 599_999
    expect(alerts.escalateDue()).toEqual([])
    now += 1
    expect(alerts.escalateDue()[0]?.alert.escalationLevel).toBe(1)
    now += 600_000
    expect(alerts.escalateDue()[0]?.alert.escalationLevel).toBe(2)
  })

  it('uses the shorter SLA of a critical alert', () => {
    alerts.raise({ ...excursion('x1'), severity: 'critical' })
    now += 300_000
    expect(alerts.escalateDue()).toHaveLength(1)
  })

  it('resolves an alert as a false alarm when late data withdraws its only cause', () => {
    alerts.raise(excursion('x1'))
    const [resolved] = alerts.withdraw({
      kind: 'temperature',
      waybill: 'WB1',
      sourceId: 'x1',
      reason: 'back-filled readings were in range',
    })
    expect(resolved?.alert).toMatchObject({
      state: 'resolved',
      disposition: 'false_alarm',
      resolvedBy: 'system',
      resolutionNote: 'back-filled readings were in range',
    })
  })

  it('keeps the alert when one of several causes is withdrawn', () => {
    alerts.raise(excursion('x1'))
    alerts.raise(excursion('x2'))
    const [updated] = alerts.withdraw({
      kind: 'temperature',
      waybill: 'WB1',
      sourceId: 'x1',
      reason: 'disproved',
    })
    expect(updated?.alert.state).toBe('active_unack')
    // The withdrawn cause stays visible, closed and marked with the reason.
    expect(updated?.alert.sources).toMatchObject({
      x1: { open: false, detail: { withdrawn: true, withdrawnReason: 'disproved' } },
      x2: { open: true },
    })
  })

  it('clears the alert when the cause withdrawn was the only one still going', () => {
    alerts.raise(excursion('x1'))
    alerts.clear({ kind: 'temperature', waybill: 'WB1', sourceId: 'x1', endedAt: 2_000 })
    alerts.raise(excursion('x2', 3_000))
    const [cleared] = alerts.withdraw({ kind: 'temperature', waybill: 'WB1', sourceId: 'x2', reason: 'no' })
    expect(cleared).toMatchObject({ type: 'alert.cleared', alert: { conditionEndedAt: 2_000 } })
    expect(alerts.withdraw({ kind: 'temperature', waybill: 'WB1', sourceId: 'x2', reason: 'no' })).toEqual([])
  })
})
