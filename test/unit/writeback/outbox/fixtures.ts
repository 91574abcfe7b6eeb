/** A database with orders and writeback targets, for the outbox and relay tests. */
import { randomBytes } from 'node:crypto'
import { demoCredentials } from '../../../../simulator/sandbox/index.js'
import { OrderService } from '../../../../src/orders/service.js'
import type { Database } from '../../../../src/store/database.js'
import type { TargetKind } from '../../../../src/writeback/adapters/targets.js'
import { OutboxWriter } from '../../../../src/writeback/outbox/writer.js'
import { SecretBox } from '../../../../src/writeback/secret-box.js'
import { type TargetSettings, TargetStore } from '../../../../src/writeback/targets-store.js'
import { memoryDb, order } from '../../orders/fixtures.js'
import { target } from '../fixtures.js'

export const T0 = Date.parse('2026-03-01T02:00:00Z')

export interface World {
  db: Database
  clock: (() => number) & { set(t: number): void; advance(ms: number): void }
  targets: TargetStore
  writer: OutboxWriter
  orders: OrderService
}

export function world(start = T0): World {
  const db = memoryDb()
  let now = start
  const clock = Object.assign(() => now, {
    set: (t: number) => {
      now = t
    },
    advance: (ms: number) => {
      now += ms
    },
  })
  const targets = new TargetStore(db, new SecretBox(randomBytes(32)), clock)
  const writer = new OutboxWriter(db, { carrier: 'SF', maxAgeMs: 3 * 86_400_000 })
  const orders = new OrderService(db, { clock })
  return { db, clock, targets, writer, orders }
}

/** Registers a target of `kind` at `baseUrl` with the sandbox's demo credentials. */
export function addTarget(
  w: World,
  kind: TargetKind,
  options: {
    id?: string
    baseUrl?: string
    extra?: Record<string, unknown>
    settings?: Partial<TargetSettings>
  } = {},
) {
  const t = target(kind, options.baseUrl ?? 'http://127.0.0.1:9', demoCredentials, {
    id: options.id ?? `t-${kind}`,
    ...options.extra,
  })
  return w.targets.create(t, { trailIntervalMs: 0, rateLimit: null, concurrency: null, ...options.settings })
}

/** Creates an order on `platform` carried by waybill `no`; returns the order's gateway id. */
export function addOrder(
  w: World,
  no: string,
  platform: 'taobao' | 'douyin' | 'pinduoduo' | 'jd' | 'webhook' = 'taobao',
  merchant = 'fresh-farm',
): string {
  return w.orders.create(order({ platform, platformOrderId: `${platform}-${no}`, merchant, waybillNo: no }))
    .order.id
}

/** Every outbox row, oldest first, in a compact form. */
export function rows(db: Database) {
  return db
    .prepare<
      [],
      {
        id: number
        target_id: string
        ordering_key: string
        event_id: string
        type: string
        state: string
        next_attempt_at: number | null
        attempts: number
        last_error: string | null
      }
    >('SELECT * FROM outbox ORDER BY id')
    .all()
}
