import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../src/errors.js'
import { OrderService } from '../../../src/orders/service.js'
import type { Database } from '../../../src/store/database.js'
import { fixedClock, memoryDb, order } from './fixtures.js'

describe('order intake', () => {
  let db: Database
  let orders: OrderService
  beforeEach(() => {
    db = memoryDb()
    orders = new OrderService(db, { clock: fixedClock(), waybillPrefix: 'SF' })
  })
  afterEach(() => db.close())

  it('creates the order with one waybill carrying all its items, ready for scans', () => {
    const result = orders.create(order())
    expect(result.created).toBe(true)
    expect(result.order.id).toMatch(/^ord_[0-9A-Z]{26}$/)
    expect(result.order.items.map((i) => [i.line, i.sku, i.qty])).toEqual([
      [1, 'MILK-1L', 4],
      [2, 'YOG-500', 2],
    ])
    expect(result.waybills).toHaveLength(1)
    const waybill = result.waybills[0]
    expect(waybill?.no).toMatch(/^SF[0-9A-Z]{26}$/)
    expect(waybill?.status).toBe('created')
    expect(waybill?.profile).toBe('chilled')
    expect(waybill?.orders).toEqual([result.order.id])
    expect(waybill?.items.map((i) => [i.sku, i.qty])).toEqual([
      ['MILK-1L', 4],
      ['YOG-500', 2],
    ])
    expect(result.order.waybills).toEqual([waybill?.no])
  })

  it('uses the waybill number the caller gives', () => {
    const result = orders.create(order({ waybillNo: 'SF1234567890' }))
    expect(result.waybills.map((w) => w.no)).toEqual(['SF1234567890'])
  })

  it('returns the existing order when the same order is posted again (created: false)', () => {
    const first = orders.create(order({ createdAt: '2026-01-01T07:59:00+08:00' }))
    const again = orders.create(order())
    expect(again.created).toBe(false)
    expect(again.order.id).toBe(first.order.id)
    expect(again.waybills.map((w) => w.no)).toEqual(first.waybills.map((w) => w.no))
    expect(db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 1 })
  })

  it('refuses a re-post of the same platform order with other content as a CONFLICT', () => {
    const first = orders.create(order())
    const change = () => orders.create(order({ consigneeRegion: 'CN-11' }))
    expect(change).toThrowError(AppError)
    try {
      change()
    } catch (err) {
      expect((err as AppError).code).toBe('CONFLICT')
      expect((err as AppError).details).toMatchObject({ reason: 'order_differs', orderId: first.order.id })
    }
  })

  it('treats the same platform order id on another platform as another order', () => {
    orders.create(order())
    expect(orders.create(order({ platform: 'jd' })).created).toBe(true)
  })

  it('refuses a waybill number that is taken', () => {
    orders.create(order({ waybillNo: 'SF1' }))
    expect(() => orders.create(order({ platformOrderId: 'TB-2', waybillNo: 'SF1' }))).toThrowError(
      /exists already/,
    )
    expect(orders.getOrderByPlatform('taobao', 'TB-2')).toBeNull()
  })

  it('refuses an invalid order naming the bad field', () => {
    expect(() => orders.create(order({ items: [] }))).toThrowError(/items/)
    expect(() => orders.create({ ...order(), slaTier: 'whenever' } as never)).toThrowError(/slaTier/)
  })

  it('refuses an order listing one SKU twice, since splits name items by SKU', () => {
    const items = [
      { sku: 'A', name: 'a', qty: 1, tempClass: 'chilled' },
      { sku: 'A', name: 'a again', qty: 2, tempClass: 'chilled' },
    ]
    expect(() => orders.create(order({ items }))).toThrowError(/listed twice/)
  })

  it('stores a per-order profile override as given', () => {
    const override = { highC: 6, cumulativeBudgetMs: 600_000, humidity: { lowPct: 85, highPct: 95 } }
    const result = orders.create(order({ profileOverride: override }))
    expect(result.order.profileOverride).toEqual(override)
    expect(result.waybills[0]?.profileOverride).toEqual(override)
  })
})
