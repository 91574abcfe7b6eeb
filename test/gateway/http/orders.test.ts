import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { order } from '../../unit/orders/fixtures.js'
import { type Harness, harness } from './harness.js'

let h: Harness
beforeEach(async () => {
  h = await harness()
})
afterEach(() => h.close())

const post = (body: unknown, token = h.admin) => h.request('POST', '/api/v1/orders', { token, body })

describe('POST /api/v1/orders', () => {
  it('creates the order with its waybill (201), and answers 200 with the same order when re-posted', async () => {
    const first = await post(order({ waybillNo: 'W1', createdAt: '2025-03-01T07:00:00+08:00' } as never))
    expect(first.statusCode).toBe(201)
    const body = first.json()
    expect(body).toMatchObject({
      created: true,
      order: {
        platform: 'taobao',
        platformOrderId: 'TB-1001',
        merchant: 'fresh-farm',
        profile: 'chilled',
        createdAt: '2025-02-28T23:00:00.000Z',
        receivedAt: '2025-03-01T08:00:00.000Z',
        waybills: ['W1'],
      },
      waybills: [{ no: 'W1', status: 'created', profile: 'chilled', pickedUpAt: null }],
    })
    const again = await post(order({ waybillNo: 'W1' }))
    expect(again.statusCode).toBe(200)
    expect(again.json()).toMatchObject({ created: false, order: { id: body.order.id } })
  })

  it('answers 409 when the same platform order comes back with other content', async () => {
    await post(order())
    const res = await post(order({ consigneeRegion: 'CN-11' }))
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'CONFLICT', details: { reason: 'order_differs' } })
  })

  it('refuses a profile the engine could not evaluate: unknown, or made invalid by the override', async () => {
    const unknown = await post(order({ profile: 'tropical' }))
    expect(unknown.statusCode).toBe(400)
    expect(unknown.json().message).toMatch(/unknown profile tropical; known: chilled, controlled_ambient/)
    const crossed = await post(order({ profileOverride: { lowC: 9 } }))
    expect(crossed.statusCode).toBe(400)
    expect(crossed.json()).toMatchObject({ code: 'VALIDATION_FAILED' })
  })

  it('lets a merchant token create orders of its own merchant only', async () => {
    expect((await post(order(), h.merchant)).statusCode).toBe(403)
    expect((await post(order({ merchant: 'm-1' }), h.merchant)).statusCode).toBe(201)
  })
})

describe('POST /api/v1/orders/bulk', () => {
  it('takes a JSON array and reports each order on its own', async () => {
    const res = await h.request('POST', '/api/v1/orders/bulk', {
      body: [order({ platformOrderId: 'A' }), order({ platformOrderId: 'B', profile: 'nope' }), order()],
    })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ created: 2, existing: 0, failed: 1 })
    expect(body.results.map((r: { status: string }) => r.status)).toEqual(['created', 'error', 'created'])
    expect(body.results[1].error.code).toBe('VALIDATION_FAILED')
  })

  it('takes NDJSON, reporting line numbers and lines that are not JSON', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/orders/bulk',
      headers: { authorization: `Bearer ${h.ops}`, 'content-type': 'application/x-ndjson' },
      payload: `${JSON.stringify(order({ platformOrderId: 'A' }))}\n\n{oops\n${JSON.stringify(order({ platformOrderId: 'A' }))}\n`,
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().results.map((r: { line: number; status: string }) => [r.line, r.status])).toEqual([
      [1, 'created'],
      [3, 'error'],
      [4, 'existing'],
    ])
  })

  it('is for admin and ops tokens', async () => {
    const res = await h.request('POST', '/api/v1/orders/bulk', { token: h.merchant, body: [] })
    expect(res.statusCode).toBe(403)
  })
})

describe('reading and splitting orders', () => {
  let mine: string
  let theirs: string
  beforeEach(async () => {
    mine = (await post(order({ platformOrderId: 'M', merchant: 'm-1', waybillNo: 'WM' }))).json().order.id
    theirs = (await post(order({ platformOrderId: 'T', waybillNo: 'WT' }))).json().order.id
  })

  it('lists orders a page at a time, in id order; a merchant token lists its own only', async () => {
    // Both orders come in the same millisecond (the harness clock stands still): ids then order by their
    // random part, so only the paging is asserted, not which comes first.
    const first = (await h.request('GET', '/api/v1/orders?limit=1', { token: h.ops })).json()
    expect(first.items).toHaveLength(1)
    expect(first.next).toBe(first.items[0].id)
    const rest = (await h.request('GET', `/api/v1/orders?after=${first.next}`, { token: h.ops })).json()
    expect([first.items[0].id, ...rest.items.map((o: { id: string }) => o.id)].sort()).toEqual(
      [mine, theirs].sort(),
    )
    expect(rest.next).toBeNull()
    const own = (await h.request('GET', '/api/v1/orders', { token: h.merchant })).json()
    expect(own.items.map((o: { id: string }) => o.id)).toEqual([mine])
  })

  it("reads another merchant's order as absent", async () => {
    expect((await h.request('GET', `/api/v1/orders/${mine}`, { token: h.merchant })).statusCode).toBe(200)
    const res = await h.request('GET', `/api/v1/orders/${theirs}`, { token: h.merchant })
    expect(res.statusCode).toBe(404)
  })

  it('splits an order into waybills, cancelling the one it had', async () => {
    const res = await h.request('POST', `/api/v1/orders/${theirs}/split`, {
      body: {
        waybills: [
          { waybillNo: 'T1', items: [{ sku: 'MILK-1L', qty: 4 }] },
          { waybillNo: 'T2', items: [{ sku: 'YOG-500', qty: 2 }] },
        ],
      },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      waybills: [{ no: 'T1', items: [{ sku: 'MILK-1L', qty: 4 }] }, { no: 'T2' }],
      cancelled: ['WT'],
    })
    const unbalanced = await h.request('POST', `/api/v1/orders/${mine}/split`, {
      body: { waybills: [{ items: [{ sku: 'MILK-1L', qty: 1 }] }, { items: [{ sku: 'MILK-1L', qty: 1 }] }] },
    })
    expect(unbalanced.statusCode).toBe(400)
    const foreign = await h.request('POST', `/api/v1/orders/${theirs}/split`, {
      token: h.merchant,
      body: { waybills: [{ items: [{ sku: 'MILK-1L', qty: 4 }] }, { items: [{ sku: 'YOG-500', qty: 2 }] }] },
    })
    expect(foreign.statusCode).toBe(404)
  })
})
