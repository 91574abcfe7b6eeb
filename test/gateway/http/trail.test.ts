import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GroupCommit } from '../../../ingest/group-commit.js'
import { pipeline } from '../../../ingest/pipeline.js'
import { loadConfig } from '../../../src/config.js'
import { createLogger } from '../../../src/log.js'
import type { ReadingRecord, ScanRecord } from '../../../src/model.js'
import { sensor } from '../../unit/custody/fixtures.js'
import { scan, series, times } from '../../unit/monitoring/fixtures.js'
import { order } from '../../unit/orders/fixtures.js'
import { type Harness, harness } from './harness.js'

let h: Harness
let orderId: string
beforeEach(async () => {
  h = await harness()
  const config = loadConfig({}, { store: { file: ':memory:', groupCommitMs: 1 } })
  const commit = new GroupCommit(h.db, pipeline, config.store, h.metrics, createLogger({ level: 'silent' }))
  commit.start()
  const send = (records: (ReadingRecord | ScanRecord)[]) =>
    commit.submit({
      readings: records.filter((r): r is ReadingRecord => 'tempC' in r),
      scans: records.filter((r): r is ScanRecord => 'waybill' in r),
      statuses: [],
      deadLetters: [],
    })
  sensor(h.db, 'B1', 'box_sensor', 'BOX-1')
  sensor(h.db, 'T1', 'truck_sensor', 'TRUCK-1')
  orderId = h.orders.create(order({ merchant: 'm-1', waybillNo: 'W1' })).order.id
  await send([scan('W1', 'pickup', '08:00', 'BOX-1')])
  // The parcel is unpacked from its box at 08:30 and rides loose on the truck from 08:31.
  await send(series('B1', '08:00', 5, times(5, 4)))
  await send([scan('W1', 'unload', '08:30', 'BOX-1')])
  await send([scan('W1', 'load', '08:31', 'TRUCK-1')])
  await send(series('T1', '08:35', 5, [5, 9, 9, 9, 9, 4]))
  commit.stop()
})
afterEach(() => h.close())

describe('GET /api/v1/waybills/:no/trail', () => {
  it('shows each reading with the custody segment it came from', async () => {
    const res = await h.request('GET', '/api/v1/waybills/W1/trail', { token: h.merchant })
    expect(res.statusCode).toBe(200)
    const trail = res.json()
    expect(trail.segments).toEqual([
      {
        from: '2026-01-01T08:00:00.000Z',
        to: '2026-01-01T08:30:00.000Z',
        container: 'BOX-1',
        devices: ['B1'],
      },
      { from: '2026-01-01T08:31:00.000Z', to: null, container: 'TRUCK-1', devices: ['T1'] },
    ])
    expect(
      trail.readings.map((r: { deviceId: string; segment: number }) => `${r.deviceId}:${r.segment}`),
    ).toEqual([...times(5, 0).map(() => 'B1:0'), ...times(6, 0).map(() => 'T1:1')])
    expect(trail.readings[0]).toMatchObject({ ts: '2026-01-01T08:00:00.000Z', tempC: 4, quality: 'ok' })
    expect(trail.nodes.map((n: { event: string }) => n.event)).toEqual(['pickup', 'unload', 'load'])
  })

  it('lists the excursion, and summarises min, max, mean, MKT, time out of range and budget left', async () => {
    const trail = (await h.request('GET', '/api/v1/waybills/W1/trail')).json()
    expect(trail.excursions).toEqual([
      expect.objectContaining({
        kind: 'temperature',
        side: 'high',
        state: 'closed',
        startedAt: '2026-01-01T08:40:00.000Z',
        endedAt: '2026-01-01T09:00:00.000Z',
        detectedLate: false,
        withdrawn: null,
        profile: 'chilled',
        detail: expect.objectContaining({ peak: 9, bound: 8 }),
      }),
    ])
    expect(trail.summary).toMatchObject({
      readings: 11,
      minC: 4,
      maxC: 9,
      outOfRangeMs: 20 * 60_000,
      budgetLeftMs: 40 * 60_000,
      unknownMs: 0,
      excursions: 1,
      firstAt: '2026-01-01T08:00:00.000Z',
    })
    expect(trail.summary.mktC).toBeGreaterThanOrEqual(trail.summary.meanC)
    expect(trail.profile).toMatchObject({ name: 'chilled', highC: 8 })
  })

  it('is absent for another merchant, and for an unknown waybill', async () => {
    h.orders.create(order({ platformOrderId: 'X', waybillNo: 'WX' }))
    expect((await h.request('GET', '/api/v1/waybills/WX/trail', { token: h.merchant })).statusCode).toBe(404)
    expect((await h.request('GET', '/api/v1/waybills/NOPE/trail')).statusCode).toBe(404)
  })
})

describe('GET /api/v1/orders/:id/trail', () => {
  it('gives the trail of each waybill carrying the order', async () => {
    const res = await h.request('GET', `/api/v1/orders/${orderId}/trail`, { token: h.merchant })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.order.id).toBe(orderId)
    expect(body.waybills.map((t: { waybill: { no: string } }) => t.waybill.no)).toEqual(['W1'])
    expect(body.waybills[0].readings).toHaveLength(11)
  })
})
