/**
 * The gateway under the alert-latency benchmark: embedded defaults (SQLite, group commit, synchronous=FULL),
 * with BENCH_WAYBILLS waybills picked up into the trucks of BENCH_DEVICES truck sensors (`dev-i` in `TRUCK-i`),
 * so every reading is evaluated for BENCH_WAYBILLS / BENCH_DEVICES waybills. Their profile `bench` is chilled
 * with no alarm delay and no budget: a reading above 8 °C opens an excursion (and raises its alert) at once and
 * the next one in range clears it, so each probe reading is the one that makes an alert true.
 *
 * Reports over IPC: stored readings (for the sustained rate); for each probe when the gateway received it, when
 * the commit that took it began, when its transaction ended, when its alert reached the bus and when its log was
 * on disk (the batch settled, its PUBACK sent); garbage-collection pauses and the event loop's utilisation. The
 * stages are seen by wrapping GroupCommit's flush, tell and settle (a benchmark's hook, not an API).
 */

import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks'
import { Gateway } from '../../gateway/gateway.js'
import { GroupCommit } from '../../ingest/group-commit.js'
import { type InboundMessage, Ingest } from '../../ingest/ingest.js'
import type { Alert } from '../../src/alerts/repository.js'
import { custodyOf } from '../../src/custody/service.js'
import { createLogger } from '../../src/log.js'
import { profilesOf } from '../../src/monitoring/profile-store.js'
import { OrderService } from '../../src/orders/service.js'
import { defaultProfiles } from '../../src/rules/index.js'
import { DeviceRepository } from '../../src/store/devices.js'
import { benchDevices, benchSetup, countStored } from './setup.js'

const waybills = Number(process.env.BENCH_WAYBILLS ?? 10_000)
const { config, setup, secretHash } = await benchSetup('cc-alert-bench-')
const devices = benchDevices
const hr = () => performance.timeOrigin + performance.now()

const setupStarted = hr()
const repo = new DeviceRepository(setup)
profilesOf(setup).put(
  'bench',
  { ...defaultProfiles.chilled, alarmDelayMs: 0, cumulativeBudgetMs: null },
  'bench',
  Date.now(),
)
const orders = new OrderService(setup)
const custody = custodyOf(setup)
const pickedUpAt = Date.now() - 60_000
setup.transaction(() => {
  for (let i = 0; i < devices; i++) {
    repo.create({ id: `dev-${i}`, kind: 'truck_sensor', container: `TRUCK-${i}`, secretHash })
  }
  for (let w = 0; w < waybills; w++) {
    orders.create({
      platform: 'jd',
      platformOrderId: `B-${w}`,
      merchant: `m-${w % 50}`,
      items: [{ sku: 'S', name: 'Salmon', qty: 1, tempClass: 'chilled' }],
      profile: 'bench',
      slaTier: 'standard',
      consigneeRegion: 'CN-31',
      waybillNo: `W-${w}`,
    })
    custody.recordScan({
      deviceId: 'bench-scanner',
      seq: w,
      ts: pickedUpAt,
      receivedAt: pickedUpAt,
      waybill: `W-${w}`,
      event: 'pickup',
      container: `TRUCK-${w % devices}`,
      locationName: null,
      lat: null,
      lon: null,
      operator: null,
      note: null,
    })
  }
})()
setup.close()
const setupMs = hr() - setupStarted

const gateway = new Gateway(config, { log: createLogger(config.log) })
const stored = countStored(gateway)

/** `device:probe ts` → when the last of its waybills' alerts reached the bus (epoch ms, fractional). */
const raised = new Map<string, number>()
/** `device:probe ts` → when the gateway received the probe from the broker. */
const received = new Map<string, number>()
/** Probes received and not yet taken by a commit. */
let waiting: string[] = []
// The receipt of a probe, seen where the broker hands messages to ingest (a benchmark's hook, not an API).
const accept = Ingest.prototype.accept
Ingest.prototype.accept = function (this: Ingest, message: InboundMessage) {
  if (message.payload.includes('"temp_c":12')) {
    const { ts } = JSON.parse(message.payload.toString()) as { ts: number }
    const key = `${message.deviceId}:${ts}`
    received.set(key, hr())
    waiting.push(key)
  }
  return accept.call(this, message)
}
/**
 * Per probe: when its commit began, when the transaction ended (the listeners are told then, the bus among
 * them), and when its log was on disk (the batch settled: its PUBACKs go out).
 */
type Stages = { flushed?: number; committed?: number; synced?: number }
const stages = new Map<string, Stages>()
/** The probes of each batch a flush took, until that batch settles. */
const batches = new Map<unknown[], string[]>()
/** The probes of the flush under way, for `tell`. */
let flushing: string[] = []
type Internals = { queue: unknown[]; tell(ctx: unknown): void; settle(batch: unknown[]): void }
const proto = GroupCommit.prototype as unknown as Internals
const flush = GroupCommit.prototype.flush
GroupCommit.prototype.flush = function (this: GroupCommit) {
  const batch = (this as unknown as Internals).queue
  const flushed = hr()
  // A probe is in the queue from its receipt on (ingest submits synchronously), so this flush takes it.
  flushing = waiting
  waiting = []
  for (const key of flushing) stages.set(key, { flushed })
  if (flushing.length) batches.set(batch, flushing)
  flush.call(this)
  flushing = []
}
const tell = proto.tell
proto.tell = function (this: Internals, ctx: unknown) {
  const committed = hr()
  for (const key of flushing) (stages.get(key) as Stages).committed = committed
  tell.call(this, ctx)
}
const settle = proto.settle
proto.settle = function (this: Internals, batch: unknown[]) {
  const synced = hr()
  for (const key of batches.get(batch) ?? []) (stages.get(key) as Stages).synced = synced
  batches.delete(batch)
  settle.call(this, batch)
}
/** Event-loop utilisation since the last reset. */
let elu = performance.eventLoopUtilization()
/** Garbage-collection pauses (start epoch ms, duration ms, kind) since the last reset. */
const pauses: [number, number, number][] = []
new PerformanceObserver((list) => {
  for (const e of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
    pauses.push([performance.timeOrigin + e.startTime, e.duration, e.detail?.kind ?? 0])
  }
}).observe({ entryTypes: ['gc'] })

gateway.events.subscribe((event) => {
  if (event.type !== 'alert.opened' && event.type !== 'alert.reactivated') return
  const alert = event['alert'] as Alert
  const newest = Object.values(alert.sources).reduce((a, b) => (b.startedAt > a.startedAt ? b : a))
  const device = `dev-${Number(alert.waybill.slice(2)) % devices}`
  raised.set(`${device}:${newest.startedAt}`, hr())
})

const ports = await gateway.start()
process.send?.({ type: 'ready', port: ports.mqtt, setupMs })
process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'stats') {
    // Commit durations and sizes since the last reset, from the gateway's own histograms.
    const seconds = (await gateway.metrics.commitSeconds.get()).values
    const sizes = (await gateway.metrics.commitSize.get()).values
    process.send?.({
      type: 'stats',
      count: stored.count,
      firstAt: stored.firstAt,
      lastAt: stored.lastAt,
      commits: { seconds, sizes },
    })
  }
  if (msg.type === 'reset') {
    gateway.metrics.commitSeconds.reset()
    gateway.metrics.commitSize.reset()
    stored.reset()
    raised.clear()
    received.clear()
    waiting = []
    stages.clear()
    batches.clear()
    pauses.length = 0
    elu = performance.eventLoopUtilization()
  }
  if (msg.type === 'alerts') {
    const utilisation = performance.eventLoopUtilization(elu).utilization
    process.send?.({
      type: 'alerts',
      raised: [...raised],
      received: [...received],
      stages: [...stages],
      pauses,
      utilisation,
    })
  }
  if (msg.type === 'stop') {
    await gateway.stop()
    process.exit(0)
  }
})
