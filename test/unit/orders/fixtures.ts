import { loadConfig } from '../../../src/config.js'
import type { OrderInput } from '../../../src/orders/schemas.js'
import { type Database, openDatabase } from '../../../src/store/database.js'

const config = loadConfig({}, { store: { file: ':memory:' } })

/** A fresh in-memory database with every migration applied. */
export function memoryDb(): Database {
  return openDatabase('.', config.store)
}

/** A fixed clock that tests move by hand. */
export function fixedClock(start = Date.parse('2026-01-01T08:00:00Z')) {
  let now = start
  const clock = () => now
  clock.advance = (ms: number) => {
    now += ms
  }
  return clock
}

/** An order of two chilled items, with any field replaced. */
export function order(overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    platform: 'taobao',
    platformOrderId: 'TB-1001',
    merchant: 'fresh-farm',
    items: [
      { sku: 'MILK-1L', name: 'Milk 1 L', qty: 4, tempClass: 'chilled' },
      { sku: 'YOG-500', name: 'Yoghurt 500 g', qty: 2, tempClass: 'chilled' },
    ],
    profile: 'chilled',
    slaTier: 'next_day',
    consigneeRegion: 'CN-31',
    ...overrides,
  }
}
