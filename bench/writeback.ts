/**
 * Writeback benchmark: `node --import tsx bench/writeback.ts`.
 *
 * 1. Scan-to-platform latency: a real gateway (MQTT, the durable group commit, the outbox step, the relay) and
 *    the platform sandbox on loopback; scanners publish pickup and transit scans at a steady rate over many
 *    waybills, each carrying an order, with a webhook and a Kdniao target registered. Latency is measured to the
 *    sandbox receiving the verified webhook delivery of a node: from the scan's publish (the whole way), and
 *    from the node's event on the bus (published once the commit that stored the scan and its outbox rows has
 *    committed, while its log is synced); p50/p99/max.
 * 2. Sustained deliveries/s: a backlog of outbox rows over many waybills (lanes), drained by the relay to the
 *    sandbox with the default per-target concurrency; rate between the first and the last delivery.
 *
 * The sandbox runs in a child process (this file, BENCH_ROLE=sandbox): platforms are not on the gateway's CPU
 * in production either. Both processes stamp times with wall time at sub-millisecond resolution.
 *
 * Options (env): BENCH_WAYBILLS (2000), BENCH_SCANS (3000), BENCH_RATE scans/s (200), BENCH_BACKLOG (20000),
 * BENCH_CONCURRENCY per target (config default), BENCH_OUT (write the results as JSON to this file).
 */
import { type ChildProcess, fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { Gateway } from '../gateway/gateway.js'
import { type SandboxCredentials, startSandbox } from '../simulator/sandbox/index.js'
import { hashSecret } from '../src/auth/secrets.js'
import { loadConfig } from '../src/config.js'
import { createLogger } from '../src/log.js'
import { Metrics } from '../src/metrics.js'
import { OrderService } from '../src/orders/service.js'
import { openDatabase } from '../src/store/database.js'
import { DeviceRepository } from '../src/store/devices.js'
import { targetSchema } from '../src/writeback/adapters/targets.js'
import { OutboxWriter } from '../src/writeback/outbox/writer.js'
import { Relay } from '../src/writeback/relay/relay.js'
import { fetchTransport } from '../src/writeback/relay/transport.js'
import { loadSecretBox } from '../src/writeback/secret-box.js'
import { TargetStore } from '../src/writeback/targets-store.js'
import type { TrackingNodeEvent } from '../src/writeback/types.js'
import { percentile } from './harness.js'

const WAYBILLS = Number(process.env.BENCH_WAYBILLS ?? 2000)
const SCANS = Number(process.env.BENCH_SCANS ?? 3000)
const RATE = Number(process.env.BENCH_RATE ?? 200)
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 20_000)
const CONCURRENCY = process.env.BENCH_CONCURRENCY ? Number(process.env.BENCH_CONCURRENCY) : undefined
const SCANNERS = 10
const journey = ['pickup', 'load', 'hub_in', 'hub_out', 'out_for_delivery', 'delivered'] as const

/** Wall time with sub-millisecond resolution, comparable between processes. */
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Received = { eventId: string; receivedAt: number }
type Stats = { webhook: number; webhookNodes: number; kdniao: number; rejected: number }

/** The sandbox child: answers `{ ask: 'stats' | 'received' | 'clear' }` over IPC. */
async function sandboxRole(): Promise<void> {
  const sandbox = await startSandbox({ port: 0, clock: now })
  process.on('message', (m: { ask: string }) => {
    if (m.ask === 'clear') sandbox.clear()
    const webhook = sandbox.requests({ platform: 'webhook', outcome: 'accepted' })
    const reply =
      m.ask === 'received'
        ? webhook.map((r): Received => ({ eventId: r.eventId ?? '', receivedAt: r.receivedAt }))
        : ({
            webhook: webhook.length,
            webhookNodes: webhook.filter((r) => r.eventId?.startsWith('node:')).length,
            kdniao: sandbox.requests({ platform: 'kdniao', outcome: 'accepted' }).length,
            rejected: sandbox.requests({ outcome: 'rejected' }).length,
          } satisfies Stats)
    process.send?.({ ask: m.ask, reply })
  })
  process.on('disconnect', () => process.exit(0))
  process.send?.({ ask: 'ready', reply: { url: sandbox.url, credentials: sandbox.credentials } })
}

function ask<T>(child: ChildProcess, question: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: { ask: string; reply: T }) => {
      if (m.ask !== question) return
      child.off('message', onMessage)
      resolve(m.reply)
    }
    child.on('message', onMessage)
    if (question !== 'ready') child.send({ ask: question })
  })
}

async function until(what: string, done: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-bench-writeback-'))
  const config = loadConfig(
    {},
    {
      dataDir,
      log: { level: 'warn' },
      mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
      http: { host: '127.0.0.1', port: 0, adminToken: 'bench-admin-token-0000000000' },
      auth: { scryptLog2N: 10 },
      store: { synchronous: process.env.BENCH_SYNC === 'normal' ? 'normal' : 'full' },
      writeback: {
        secretKey: randomBytes(32).toString('hex'),
        ...(CONCURRENCY ? { concurrency: CONCURRENCY } : {}),
      },
    },
  )
  const child = fork(import.meta.filename, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_ROLE: 'sandbox' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const sandbox = await ask<{ url: string; credentials: SandboxCredentials }>(child, 'ready')
  const stats = () => ask<Stats>(child, 'stats')

  // Setup on the store before the gateway starts: scanners, orders (one waybill each), two targets.
  {
    const db = openDatabase(dataDir, config.store)
    const secretHash = await hashSecret('bench-secret', config.auth.scryptLog2N)
    const devices = new DeviceRepository(db)
    const orders = new OrderService(db)
    db.transaction(() => {
      for (let s = 0; s < SCANNERS; s++) devices.create({ id: `scanner-${s}`, kind: 'scanner', secretHash })
      for (let w = 0; w < WAYBILLS; w++) {
        orders.create({
          platform: 'taobao',
          platformOrderId: `TB-${w}`,
          merchant: 'fresh-farm',
          items: [{ sku: 'MILK', name: 'Milk', qty: 1, tempClass: 'chilled' }],
          profile: 'chilled',
          slaTier: 'next_day',
          consigneeRegion: 'CN-31',
          waybillNo: `W${w}`,
        })
      }
    })()
    const targets = new TargetStore(db, loadSecretBox(config.writeback, dataDir))
    const settings = { trailIntervalMs: 0, rateLimit: null, concurrency: null }
    const c = sandbox.credentials
    const hook = {
      kind: 'webhook',
      id: 'hook',
      endpoint: `${sandbox.url}/webhook/bench`,
      credentials: c.webhook,
    }
    const kdniao = { kind: 'kdniao', id: 'kdniao', endpoint: `${sandbox.url}/kdniao`, credentials: c.kdniao }
    targets.create(targetSchema.parse(hook), settings)
    targets.create(targetSchema.parse(kdniao), settings)
    db.close()
  }

  // 1. Latency: scans over MQTT → commit → outbox → relay → sandbox.
  const gateway = new Gateway(config, { log: createLogger(config.log) })
  const committedAt = new Map<string, number>()
  /** Scan seq → when it was published; node event id → that scan's seq. */
  const publishedAt = new Map<number, number>()
  const seqOf = new Map<string, number>()
  gateway.onCommit((ctx) => {
    const at = now()
    for (const e of ctx.events as { type: string; node?: { id: number; seq: number } }[]) {
      if (e.type === 'node.created' && e.node) {
        committedAt.set(`node:${e.node.id}`, at)
        seqOf.set(`node:${e.node.id}`, e.node.seq)
      }
    }
  })
  const ports = await gateway.start()
  const clients = await Promise.all(
    Array.from({ length: SCANNERS }, (_, s) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, {
        clientId: `scanner-${s}`,
        username: `scanner-${s}`,
        password: 'bench-secret',
        reconnectPeriod: 0,
      }),
    ),
  )
  const t0 = Date.now()
  for (let i = 0; i < SCANS; i++) {
    const due = t0 + (i * 1000) / RATE
    if (due > Date.now()) await sleep(due - Date.now())
    const s = i % SCANNERS
    const scan = {
      ts: Date.now(),
      seq: i,
      waybill: `W${i % WAYBILLS}`,
      event: journey[Math.floor(i / WAYBILLS) % journey.length],
      location: { name: 'Hub' },
    }
    publishedAt.set(i, now())
    void clients[s]?.publishAsync(`cc/scanner-${s}/scan`, JSON.stringify(scan), { qos: 1 })
  }
  await until('every node at the webhook', async () => (await stats()).webhookNodes >= SCANS, 60_000)
  const nodes = (await ask<Received[]>(child, 'received')).filter((r) => r.eventId.startsWith('node:'))
  const since = (from: (eventId: string) => number | undefined) =>
    nodes
      .map((r) => r.receivedAt - (from(r.eventId) ?? Number.NaN))
      .filter(Number.isFinite)
      .sort((a, b) => a - b)
  const latencies = since((id) => committedAt.get(id))
  const fromPublish = since((id) => publishedAt.get(seqOf.get(id) ?? -1))
  const phase1 = await stats()
  await Promise.all(clients.map((c) => c.endAsync()))
  await gateway.stop()

  // 2. Throughput: drain a backlog over many lanes (the Kdniao target paused: one platform, many waybills).
  await ask(child, 'clear')
  const db = openDatabase(dataDir, config.store)
  const targets = new TargetStore(db, loadSecretBox(config.writeback, dataDir))
  const writer = new OutboxWriter(db, { carrier: 'CC', maxAgeMs: config.writeback.maxAgeMs })
  const sample = db.prepare("SELECT payload FROM outbox WHERE type = 'tracking.node' LIMIT 1").get() as {
    payload: string
  }
  const template = JSON.parse(sample.payload) as TrackingNodeEvent
  db.prepare('DELETE FROM outbox').run()
  targets.setStatus('kdniao', 'paused', 'benchmark')
  db.transaction(() => {
    for (let i = 0; i < BACKLOG; i++) {
      const at = Date.now()
      writer.write({ ...template, eventId: `bench:${i}`, waybill: `W${i % WAYBILLS}`, occurredAt: at }, at)
    }
  })()
  const relay = new Relay({
    db,
    targets,
    config: config.writeback,
    ...(process.env.BENCH_TRANSPORT === 'fetch'
      ? { transport: fetchTransport(config.writeback.requestTimeoutMs) }
      : {}),
    metrics: new Metrics({ defaultMetrics: false }),
    log: createLogger({ level: 'warn' }),
  })
  const drainStart = now()
  relay.start()
  await until('the backlog drained', async () => (await stats()).webhook >= BACKLOG, 120_000)
  await relay.stop()
  const times = (await ask<Received[]>(child, 'received')).map((r) => r.receivedAt)
  const first = Math.min(...times)
  const last = Math.max(...times)
  const delivered = (
    db.prepare("SELECT count(*) AS n FROM outbox WHERE state = 'delivered'").get() as { n: number }
  ).n
  db.close()
  child.disconnect()
  rmSync(dataDir, { recursive: true, force: true })

  const ms = (v: number) => Number(v.toFixed(2))
  const spread = (sorted: number[]) => ({
    p50Ms: ms(percentile(sorted, 50)),
    p99Ms: ms(percentile(sorted, 99)),
    maxMs: ms(sorted.at(-1) ?? Number.NaN),
  })
  const results = {
    latency: {
      scans: SCANS,
      rate: RATE,
      waybills: WAYBILLS,
      measured: latencies.length,
      ...spread(latencies),
      fromPublish: spread(fromPublish),
      webhookAccepted: phase1.webhook,
      kdniaoAccepted: phase1.kdniao,
      rejected: phase1.rejected,
    },
    throughput: {
      backlog: BACKLOG,
      lanes: Math.min(WAYBILLS, BACKLOG),
      concurrency: config.writeback.concurrency,
      deliveredPerSecond: Math.round((BACKLOG - 1) / ((last - first) / 1000)),
      drainSeconds: Number(((last - drainStart) / 1000).toFixed(2)),
      delivered,
    },
  }
  const l = results.latency
  console.log(
    `scan→platform latency (webhook, ${l.measured} nodes at ${RATE} scans/s over ${WAYBILLS} waybills): ` +
      `from the bus p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, max ${l.maxMs} ms; from the scan's publish ` +
      `p50 ${l.fromPublish.p50Ms} ms, p99 ${l.fromPublish.p99Ms} ms, max ${l.fromPublish.maxMs} ms ` +
      `(accepted: webhook ${l.webhookAccepted}, Kdniao ${l.kdniaoAccepted}; rejected ${l.rejected})`,
  )
  const t = results.throughput
  console.log(
    `sustained deliveries: ${t.deliveredPerSecond}/s (${BACKLOG} rows over ${t.lanes} waybills, ` +
      `concurrency ${t.concurrency}, drained in ${t.drainSeconds} s; ${t.delivered} marked delivered)`,
  )
  if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, `${JSON.stringify(results, null, 2)}\n`)
  process.exit(0)
}

if (process.env.BENCH_ROLE === 'sandbox') await sandboxRole()
else await main()
