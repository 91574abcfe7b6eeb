import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseNdjson } from '../../../src/orders/bulk.js'
import { OrderService } from '../../../src/orders/service.js'
import type { Database } from '../../../src/store/database.js'
import { fixedClock, memoryDb, order } from './fixtures.js'

describe('bulk intake', () => {
  let db: Database
  let orders: OrderService
  beforeEach(() => {
    db = memoryDb()
    orders = new OrderService(db, { clock: fixedClock(), maxBulkItems: 10 })
  })
  afterEach(() => db.close())

  it('creates the good orders and reports the bad one with its reason', () => {
    orders.create(order({ platformOrderId: 'OLD' }))
    const results = orders.createMany([
      order({ platformOrderId: 'A' }),
      { ...order({ platformOrderId: 'B' }), items: [] },
      order({ platformOrderId: 'OLD' }),
      order({ platformOrderId: 'C' }),
    ])
    expect(results.map((r) => [r.index, r.status])).toEqual([
      [0, 'created'],
      [1, 'error'],
      [2, 'existing'],
      [3, 'created'],
    ])
    const bad = results[1]
    expect(bad?.status === 'error' && bad.error.code).toBe('VALIDATION_FAILED')
    expect(bad?.status === 'error' && bad.error.message).toMatch(/items/)
    expect(
      orders
        .listOrders({ limit: 10 })
        .items.map((o) => o.platformOrderId)
        .sort(),
    ).toEqual(['A', 'C', 'OLD'])
  })

  it('leaves no trace of an order that failed half-way (a taken waybill number)', () => {
    orders.create(order({ platformOrderId: 'X', waybillNo: 'TAKEN' }))
    const [result] = orders.createMany([order({ platformOrderId: 'Y', waybillNo: 'TAKEN' })])
    expect(result?.status).toBe('error')
    expect(orders.getOrderByPlatform('taobao', 'Y')).toBeNull()
    expect(
      db
        .prepare(
          "SELECT count(*) AS n FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.platform_order_id = 'Y'",
        )
        .get(),
    ).toEqual({ n: 0 })
  })

  it('reads NDJSON, skipping blank lines and reporting a line that is not JSON by its number', () => {
    const text = [
      JSON.stringify(order({ platformOrderId: 'N1' })),
      '',
      '{not json',
      JSON.stringify(order({ platformOrderId: 'N2' })),
    ].join('\n')
    const results = orders.createFromNdjson(`${text}\n`)
    expect(results.map((r) => [r.line, r.status])).toEqual([
      [1, 'created'],
      [3, 'error'],
      [4, 'created'],
    ])
  })

  it('refuses a batch larger than the limit as a whole', () => {
    const many = Array.from({ length: 11 }, (_, i) => order({ platformOrderId: `M${i}` }))
    expect(() => orders.createMany(many)).toThrowError(/at most 10/)
  })

  it('parses NDJSON records with their line numbers', () => {
    expect(parseNdjson('{"a":1}\r\n\n[2]')).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, value: [2] },
    ])
  })
})
