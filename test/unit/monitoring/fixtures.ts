/**
 * A monitoring world for scenario tests: a real in-memory SQLite store, the real pipeline in a group commit,
 * orders through the orders service, sensors in containers, and a clock the test moves. Readings and scans are
 * written as `reading('S1', '10:00', 9.1)` and `scan('W1', 'pickup', '08:00', 'BOX-1')` (2026-01-01, UTC).
 */
import { GroupCommit } from '../../../ingest/group-commit.js'
import { pipeline } from '../../../ingest/pipeline.js'
import { type ConfigInput, loadConfig } from '../../../src/config.js'
import type { GatewayEvent } from '../../../src/events.js'
import { createLogger } from '../../../src/log.js'
import { Metrics } from '../../../src/metrics.js'
import type { ReadingRecord, ScanEvent, ScanRecord } from '../../../src/model.js'
import { configureMonitoring, type Monitoring } from '../../../src/monitoring/runtime.js'
import { MonitoringTimers } from '../../../src/monitoring/timers.js'
import { OrderService } from '../../../src/orders/service.js'
import type { Database } from '../../../src/store/database.js'
import { sensor } from '../custody/fixtures.js'
import { memoryDb, order } from '../orders/fixtures.js'

export const MIN = 60_000

/** Epoch ms of `'HH:MM'` (or `'HH:MM:SS'`) on 2026-01-01 UTC, or of a full ISO instant. */
export function at(when: string): number {
  return when.length <= 8
    ? Date.parse(`2026-01-01T${when.length === 5 ? `${when}:00` : when}Z`)
    : Date.parse(when)
}

const seqs = new Map<string, number>()
const nextSeq = (device: string) => {
  const n = (seqs.get(device) ?? 0) + 1
  seqs.set(device, n)
  return n
}

/** A reading of `device` at `when` (device time); values outside −60..85 °C are stored as sensor faults. */
export function reading(
  device: string,
  when: string | number,
  tempC: number,
  rh: number | null = null,
): ReadingRecord {
  const ts = typeof when === 'number' ? when : at(when)
  const fault = tempC < -60 || tempC > 85
  return {
    deviceId: device,
    seq: nextSeq(device),
    ts,
    receivedAt: ts,
    tempC,
    rh,
    doorOpen: null,
    lat: null,
    lon: null,
    batteryPct: null,
    quality: fault ? 'sensor_fault' : 'ok',
    fault: fault ? `temp_c ${tempC} outside the sensor range -60..85 °C` : null,
  }
}

/** Readings of `device` every `stepMin` minutes from `from`, one per value. */
export function series(
  device: string,
  from: string,
  stepMin: number,
  values: readonly number[],
): ReadingRecord[] {
  const t0 = at(from)
  return values.map((v, i) => reading(device, t0 + i * stepMin * MIN, v))
}

/** `n` copies of `v` (for series). */
export const times = (n: number, v: number): number[] => Array.from({ length: n }, () => v)

export function scan(
  waybill: string,
  event: ScanEvent,
  when: string,
  container: string | null = null,
  device = 'SCANNER-1',
): ScanRecord {
  const ts = at(when)
  return {
    deviceId: device,
    seq: nextSeq(device),
    ts,
    receivedAt: ts,
    waybill,
    event,
    container,
    locationName: null,
    lat: null,
    lon: null,
    operator: null,
    note: null,
  }
}

export interface World {
  db: Database
  runtime: Monitoring
  orders: OrderService
  timers: MonitoringTimers
  metrics: Metrics
  /** Every fact of every commit and timer run, in order. */
  events: GatewayEvent[]
  /** The wall clock (starts 2026-01-01T06:00Z); tests move it with `clock.set`. */
  clock: { now: number; set(when: string | number): void }
  sensor(id: string, kind: 'truck_sensor' | 'box_sensor', container: string): void
  /** Creates a chilled order with waybill `no` (any field of the order replaced). */
  order(no: string, overrides?: Parameters<typeof order>[0]): string
  /** Commits one message per argument (each an array of readings and scans) through the pipeline. */
  send(...messages: (ReadingRecord | ScanRecord)[][]): Promise<void>
  /** A new runtime on the same store, as after a restart: nothing in memory. */
  restart(): void
  /** Events of a type, optionally about one waybill (theirs, or their alert's). */
  of(type: string, waybill?: string): GatewayEvent[]
  close(): void
}

export function world(config: ConfigInput = {}): World {
  const db = memoryDb()
  const cfg = loadConfig({}, { ...config, store: { file: ':memory:', groupCommitMs: 1 } })
  const clock = {
    now: at('06:00'),
    set(when: string | number) {
      clock.now = typeof when === 'number' ? when : at(when)
    },
  }
  const now = () => clock.now
  const metrics = new Metrics({ defaultMetrics: false })
  const log = createLogger({ level: 'silent' })
  const events: GatewayEvent[] = []
  const boot = () => {
    const runtime = configureMonitoring(db, {
      monitoring: cfg.monitoring,
      alerts: cfg.alerts,
      clock: now,
      metrics,
    })
    const timers = new MonitoringTimers({
      db,
      runtime,
      gapTickMs: cfg.monitoring.gapTickMs,
      stallSweepMs: cfg.monitoring.stallSweepMs,
      log,
      clock: now,
      publish: (e) => events.push(...e),
    })
    return { runtime, timers }
  }
  const commit = new GroupCommit(db, pipeline, cfg.store, metrics, log, now)
  commit.onCommit((ctx) => events.push(...(ctx.events as GatewayEvent[])))
  commit.start()
  const orders = new OrderService(db, { clock: now })
  let platformId = 0
  return {
    db,
    ...boot(),
    orders,
    metrics,
    events,
    clock,
    restart() {
      Object.assign(this, boot())
    },
    sensor: (id, kind, container) => sensor(db, id, kind, container),
    order(no, overrides = {}) {
      return orders.create(order({ platformOrderId: `P-${++platformId}`, waybillNo: no, ...overrides })).order
        .id
    },
    async send(...messages) {
      await Promise.all(
        messages.map((records) =>
          commit.submit({
            readings: records.filter((r): r is ReadingRecord => 'tempC' in r),
            scans: records.filter((r): r is ScanRecord => 'waybill' in r),
            statuses: [],
            deadLetters: [],
          }),
        ),
      )
    },
    of(type, waybill) {
      const about = (e: GatewayEvent) =>
        e['waybill'] ?? (e['alert'] as { waybill?: string } | undefined)?.waybill
      return events.filter((e) => e.type === type && (waybill === undefined || about(e) === waybill))
    },
    close() {
      commit.stop()
      db.close()
    },
  }
}
