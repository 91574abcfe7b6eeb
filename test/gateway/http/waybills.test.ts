import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { custodyOf } from '../../../src/custody/service.js'
import { order } from '../../unit/orders/fixtures.js'
import { type Harness, harness } from './harness.js'

let h: Harness
let chilled: string
let meat: string
beforeEach(async () => {
  h = await harness()
  chilled = h.orders.create(order({ platformOrderId: 'C', merchant: 'm-1', waybillNo: 'WC' })).order.id
  meat = h.orders.create(
    order({
      platformOrderId: 'M',
      merchant: 'm-1',
      profile: 'fresh_meat',
      items: [{ sku: 'BEEF', name: 'Beef', qty: 1, tempClass: 'fresh_meat' }],
    }),
  ).order.id
})
afterEach(() => h.close())

describe('POST /api/v1/waybills/merge', () => {
  it('merges orders into one waybill under the strictest profile', async () => {
    const res = await h.request('POST', '/api/v1/waybills/merge', {
      token: h.merchant,
      body: { orderIds: [chilled, meat], waybillNo: 'MERGED' },
    })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({
      waybills: [{ no: 'MERGED', profile: 'fresh_meat', orders: [chilled, meat].sort() }],
      cancelled: expect.arrayContaining(['WC']),
    })
    expect(res.json().waybills[0].profileReason).toMatch(/fresh_meat is the strictest/)
  })

  it('refuses an order that is not there', async () => {
    const res = await h.request('POST', '/api/v1/waybills/merge', { body: { orderIds: [chilled, 'ord_x'] } })
    expect(res.statusCode).toBe(404)
  })
})

describe('GET /api/v1/waybills/:no', () => {
  it('shows the waybill with its tracking nodes', async () => {
    const ts = Date.parse('2025-03-01T07:30:00Z')
    custodyOf(h.db).recordScan({
      deviceId: 'SC-1',
      seq: 1,
      ts,
      receivedAt: ts + 1000,
      waybill: 'WC',
      event: 'pickup',
      container: 'BOX-1',
      locationName: 'Farm',
      lat: null,
      lon: null,
      operator: 'courier-7',
      note: null,
    })
    const res = await h.request('GET', '/api/v1/waybills/WC', { token: h.merchant })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      no: 'WC',
      status: 'picked_up',
      pickedUpAt: '2025-03-01T07:30:00.000Z',
      nodes: [
        {
          event: 'pickup',
          status: 'picked_up',
          ts: '2025-03-01T07:30:00.000Z',
          container: 'BOX-1',
          location: { name: 'Farm' },
          flags: { unknownWaybill: false, late: false, contradictsCustody: null },
          temperatureSnapshot: null,
        },
      ],
    })
  })

  it("reads another merchant's waybill as absent", async () => {
    h.orders.create(order({ platformOrderId: 'X', waybillNo: 'WX' }))
    expect((await h.request('GET', '/api/v1/waybills/WX', { token: h.merchant })).statusCode).toBe(404)
    expect((await h.request('GET', '/api/v1/waybills/WX', { token: h.ops })).statusCode).toBe(200)
  })
})
