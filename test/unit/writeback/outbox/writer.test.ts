import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AlertService } from '../../../../src/alerts/service.js'
import { CustodyService } from '../../../../src/custody/service.js'
import type { TrackingNodeEvent } from '../../../../src/writeback/types.js'
import { scan } from '../../custody/fixtures.js'
import { addOrder, addTarget, rows, type World, world } from './fixtures.js'

describe('the outbox writer', () => {
  let w: World
  let custody: CustodyService
  beforeEach(() => {
    w = world()
    custody = new CustodyService(w.db)
  })
  afterEach(() => w.db.close())

  /** Records a scan through custody and hands its facts to the writer, as the pipeline does. */
  const record = (...args: Parameters<typeof scan>) => {
    const facts = custody.recordScan(scan(...args))
    return w.writer.produce(facts, w.clock())
  }

  it('writes a pickup as a tracking node for every target that takes it, and a shipment where needed', () => {
    for (const kind of ['webhook', 'kdniao', 'cainiao', 'taobao', 'douyin'] as const) addTarget(w, kind)
    addOrder(w, 'W1', 'taobao')
    expect(record('W1', 'pickup', '08:00', 'BOX-1')).toBe(5)
    expect(rows(w.db).map((r) => [r.target_id, r.type, r.event_id])).toEqual([
      ['t-cainiao', 'tracking.node', 'node:1'],
      ['t-kdniao', 'tracking.node', 'node:1'],
      ['t-webhook', 'tracking.node', 'node:1'],
      ['t-taobao', 'shipment.confirmed', 'ship:W1:taobao:taobao-W1'],
      ['t-webhook', 'shipment.confirmed', 'ship:W1:taobao:taobao-W1'],
    ])
  })

  it('writes a merged waybill back to the platform of each order it carries', () => {
    addTarget(w, 'taobao')
    addTarget(w, 'douyin')
    addTarget(w, 'pinduoduo')
    const a = addOrder(w, 'W-A', 'taobao')
    const b = addOrder(w, 'W-B', 'douyin')
    w.orders.merge({ orderIds: [a, b], waybillNo: 'W-AB' })
    record('W-AB', 'pickup', '08:00')
    expect(
      rows(w.db)
        .map((r) => [r.target_id, r.event_id])
        .sort(),
    ).toEqual([
      ['t-douyin', 'ship:W-AB:douyin:douyin-W-B'],
      ['t-taobao', 'ship:W-AB:taobao:taobao-W-A'],
    ])
  })

  it('carries the full trace history read from the nodes, oldest first', () => {
    addTarget(w, 'kdniao')
    addOrder(w, 'W1')
    record('W1', 'pickup', '08:00')
    record('W1', 'hub_in', '11:00')
    record('W1', 'load', '09:00') // arrives late: device time before the hub scan
    const last = w.db.prepare('SELECT payload FROM outbox ORDER BY id DESC LIMIT 1').get() as {
      payload: string
    }
    const event = JSON.parse(last.payload) as TrackingNodeEvent
    expect(event.scanEvent).toBe('load')
    expect(event.history.map((h) => h.scanEvent)).toEqual(['pickup', 'load', 'hub_in'])
    expect(event.carrier).toBe('SF')
    expect(event.orders).toEqual([{ platform: 'taobao', orderId: 'taobao-W1', merchantId: 'fresh-farm' }])
  })

  it('is idempotent: the same fact written twice is one row per target', () => {
    addTarget(w, 'webhook')
    addOrder(w, 'W1')
    const facts = custody.recordScan(scan('W1', 'load', '09:00'))
    expect(w.writer.produce(facts, w.clock())).toBe(1)
    expect(w.writer.produce(facts, w.clock())).toBe(0)
    expect(rows(w.db)).toHaveLength(1)
  })

  it('gives only the oldest pending row of a lane a due time', () => {
    addTarget(w, 'webhook')
    addOrder(w, 'W1')
    addOrder(w, 'W2')
    record('W1', 'load', '09:00')
    record('W1', 'unload', '10:00')
    record('W2', 'load', '09:00')
    expect(rows(w.db).map((r) => [r.ordering_key, r.next_attempt_at !== null])).toEqual([
      ['W1', true],
      ['W1', false],
      ['W2', true],
    ])
  })

  it('writes nothing for a paused target, and keeps writing for one that is gone', () => {
    addTarget(w, 'webhook', { id: 'paused' })
    addTarget(w, 'webhook', { id: 'gone' })
    w.targets.setStatus('paused', 'paused', 'by test')
    w.targets.setStatus('gone', 'gone', 'HTTP 410')
    addOrder(w, 'W1')
    record('W1', 'load', '09:00')
    expect(rows(w.db).map((r) => r.target_id)).toEqual(['gone'])
  })

  it('gives a per-merchant target only its merchant’s orders', () => {
    addTarget(w, 'webhook', { id: 'farm', extra: { merchantId: 'fresh-farm' } })
    addTarget(w, 'webhook', { id: 'dairy', extra: { merchantId: 'dairy-co' } })
    addOrder(w, 'W1', 'taobao', 'dairy-co')
    record('W1', 'load', '09:00')
    expect(rows(w.db).map((r) => r.target_id)).toEqual(['dairy'])
  })

  it('writes nothing for a node of a waybill that carries no order', () => {
    addTarget(w, 'webhook')
    expect(record('UNKNOWN', 'load', '09:00')).toBe(0)
  })

  it('turns opened and cleared excursions into notices, and ignores updates and withdrawals', () => {
    addTarget(w, 'webhook')
    addOrder(w, 'W1')
    const excursion = {
      id: 'W1:temperature:high:2026-01-01T10:00:00.000Z',
      kind: 'temperature' as const,
      side: 'high' as const,
      startedAt: Date.parse('2026-01-01T10:00:00Z'),
      endedAt: null,
      peak: 11.2,
      areaDegreeMinutes: 30,
      detectedLate: false,
      severity: 'major' as const,
      profile: 'chilled',
    }
    const written = w.writer.produce(
      [
        { type: 'excursion.opened', waybill: 'W1', excursion },
        { type: 'excursion.updated', waybill: 'W1', excursion: { ...excursion, peak: 12 } },
        {
          type: 'excursion.cleared',
          waybill: 'W1',
          excursion: { ...excursion, endedAt: excursion.startedAt + 9e5 },
        },
        { type: 'excursion.withdrawn', waybill: 'W1', excursion },
      ],
      w.clock(),
    )
    expect(written).toBe(2)
    const [opened, cleared] = rows(w.db)
    expect(opened?.event_id).toBe(`exc:${excursion.id}:opened`)
    expect(cleared?.event_id).toBe(`exc:${excursion.id}:cleared:${excursion.startedAt + 9e5}`)
    const payload = JSON.parse(
      (w.db.prepare('SELECT payload FROM outbox WHERE id = ?').get(opened?.id) as { payload: string })
        .payload,
    )
    expect(payload.bounds).toEqual({ low: 0, high: 8 })
  })

  it('turns acknowledged and resolved alerts into events with the transition as their id', () => {
    addTarget(w, 'webhook')
    addOrder(w, 'W1')
    const alerts = new AlertService(
      w.db,
      { ackSlaMinorMs: 1, ackSlaMajorMs: 1, ackSlaCriticalMs: 1, escalationSweepMs: 1 },
      w.clock,
    )
    const [opened] = alerts.raise({
      kind: 'temperature',
      waybill: 'W1',
      sourceId: 'x',
      severity: 'major',
      title: 'hot',
      startedAt: 0,
    })
    const id = opened?.alert.id as number
    w.writer.produce(alerts.ack(id, 'anna', 'on it'), w.clock())
    w.writer.produce(alerts.resolve(id, 'anna', 'release', 'inspected'), w.clock())
    expect(rows(w.db).map((r) => [r.ordering_key, r.type, r.event_id])).toEqual([
      ['W1', 'alert.acknowledged', `alert:${id}:2`],
      ['W1', 'alert.resolved', `alert:${id}:3`],
    ])
  })

  it('keeps writeback alerts about targets out of the outbox', () => {
    addTarget(w, 'webhook')
    const alerts = new AlertService(
      w.db,
      { ackSlaMinorMs: 1, ackSlaMajorMs: 1, ackSlaCriticalMs: 1, escalationSweepMs: 1 },
      w.clock,
    )
    const [opened] = alerts.raise({
      kind: 'writeback_failing',
      waybill: 'target:x',
      sourceId: 'target:x',
      severity: 'major',
      title: 'down',
      startedAt: 0,
    })
    expect(w.writer.produce(alerts.ack(opened?.alert.id as number, 'anna', null), w.clock())).toBe(0)
  })
})
