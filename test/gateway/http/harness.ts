/**
 * Builds the HTTP API on a real in-memory SQLite store, with a fake broker that records disconnects, a fake
 * clock, and a logger whose lines are kept for assertions. Requests go through `inject()`, no socket.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildHttp, type HttpDeps } from '../../../gateway/http/server.js'
import type { SseOptions } from '../../../gateway/http/sse.js'
import { AlertService } from '../../../src/alerts/service.js'
import { TokenRepository } from '../../../src/auth/tokens.js'
import { type ConfigInput, loadConfig } from '../../../src/config.js'
import { EventBus } from '../../../src/events.js'
import { createLogger } from '../../../src/log.js'
import { Metrics } from '../../../src/metrics.js'
import type { Monitor } from '../../../src/monitoring/monitor.js'
import { configureMonitoring } from '../../../src/monitoring/runtime.js'
import { OrderService } from '../../../src/orders/service.js'
import { type Database, openDatabase } from '../../../src/store/database.js'
import { DeviceRepository } from '../../../src/store/devices.js'
import { outboxOf } from '../../../src/writeback/outbox/writer.js'
import type { WritebackControl } from '../../../src/writeback/relay/writeback.js'
import { SecretBox } from '../../../src/writeback/secret-box.js'
import { TargetStore } from '../../../src/writeback/targets-store.js'

export const T0 = Date.parse('2025-03-01T08:00:00.000Z')

export class FakeBroker {
  ready = true
  readonly disconnected: string[] = []
  disconnect(deviceId: string): void {
    this.disconnected.push(deviceId)
  }
}

export interface Harness {
  app: FastifyInstance
  db: Database
  tokens: TokenRepository
  devices: DeviceRepository
  broker: FakeBroker
  metrics: Metrics
  alerts: AlertService
  events: EventBus
  /** Orders (profiles checked against the monitor's profile store) and the monitor. */
  orders: OrderService
  monitor: Monitor
  /** Writeback targets and outbox; `woken` counts the relay wake-ups the API asked for. */
  writeback: WritebackControl & { woken: number }
  /** Every log line the API wrote, as text. */
  logs: string[]
  /** Bearer tokens of each role; the merchant token belongs to merchant `m-1`. */
  admin: string
  ops: string
  merchant: string
  request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options?: { token?: string | null; body?: unknown },
  ): Promise<LightMyRequestResponse>
  close(): Promise<void>
}

export async function harness(
  options: {
    config?: ConfigInput
    devices?: (db: Database, clock: () => number) => DeviceRepository
    waybillsOfMerchant?: (merchant: string) => string[]
    sse?: Partial<SseOptions>
  } = {},
): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-http-'))
  const config = loadConfig(
    {},
    {
      dataDir,
      store: { file: ':memory:' },
      auth: { scryptLog2N: 10 },
      log: { level: 'silent' },
      ...options.config,
    },
  )
  const logs: string[] = []
  const log = createLogger({ level: 'info' }, { write: (line: string) => void logs.push(line) })
  const clock = () => T0
  const db = openDatabase(config.dataDir, config.store)
  const devices = options.devices?.(db, clock) ?? new DeviceRepository(db, clock)
  const tokens = new TokenRepository(db, clock)
  const admin = tokens.ensureAdmin() as string
  const ops = tokens.create({ role: 'ops', label: 'ops desk' }).token
  const merchant = tokens.create({ role: 'merchant', merchant: 'm-1' }).token
  const broker = new FakeBroker()
  const metrics = new Metrics({ defaultMetrics: false })
  const alerts = new AlertService(db, config.alerts, clock)
  const events = new EventBus()
  const monitor = configureMonitoring(db, { ...config, clock }).monitor
  const orders = new OrderService(db, {
    clock,
    profiles: (name) => monitor.profiles.get(name),
    checkProfile: (name, override) => monitor.profiles.check(name, override),
  })
  const { waybillsOfMerchant, sse } = options
  const writeback = {
    targets: new TargetStore(db, new SecretBox(randomBytes(32)), clock),
    outbox: outboxOf(db).store,
    maxAgeMs: config.writeback.maxAgeMs,
    woken: 0,
    wake() {
      writeback.woken += 1
    },
  }
  const deps: HttpDeps = {
    config,
    db,
    devices,
    tokens,
    broker,
    metrics,
    log,
    clock,
    alerts,
    events,
    waybillsOfMerchant,
    sse,
    writeback,
    orders,
    monitor,
  }
  const app = buildHttp(deps)
  await app.ready()
  return {
    app,
    db,
    tokens,
    devices,
    broker,
    metrics,
    alerts,
    events,
    orders,
    monitor,
    writeback,
    logs,
    admin,
    ops,
    merchant,
    request(method, url, { token = admin, body } = {}) {
      const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` }
      return app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) })
    },
    async close() {
      await app.close()
      db.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
