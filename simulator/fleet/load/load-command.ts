/**
 * `load`: many devices publishing readings at a set total rate, for benchmarks. Devices are registered through
 * the API (or their secrets read from a cache file, since registration costs the gateway a password hash each),
 * connected, then driven round-robin by a pacer that publishes what is due every few milliseconds. The report
 * says what was sent and what was acknowledged, with ack latency (publish → PUBACK) percentiles.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import mqtt, { type MqttClient } from 'mqtt'
import { GatewayApi } from '../../api-client.js'
import { mapLimit, registerAll } from '../registry.js'
import { type Summary, summarise } from '../stats.js'

/** Options of `load`. */
export interface LoadOptions {
  devices: number
  /** Messages per second, all devices together. */
  rate: number
  durationMs: number
  qos: 0 | 1
  /** Readings per message (1: single readings; more: `{ readings: [...] }` batches). */
  batch: number
  mqtt: string
  gateway?: string
  token?: string
  /** JSON file of { deviceId: secret }: read when present, written after registering. */
  secrets?: string
  prefix: string
  /** How long to wait for outstanding acks after the last publish. */
  drainMs: number
}

/** The benchmark's result, printed as JSON. */
export interface LoadReport {
  devices: number
  connected: number
  connectMs: number
  targetRate: number
  durationMs: number
  qos: 0 | 1
  batch: number
  sent: number
  acked: number
  failed: number
  unacked: number
  readingsSent: number
  achievedRate: number
  ackLatencyMs: Summary
}

export async function loadCommand(o: LoadOptions): Promise<LoadReport> {
  const ids = Array.from({ length: o.devices }, (_, i) => `${o.prefix}${String(i).padStart(5, '0')}`)
  const secrets = await secretsFor(ids, o)
  const t0 = performance.now()
  const clients = await mapLimit(ids, 50, (id) =>
    mqtt
      .connectAsync(o.mqtt, {
        clientId: id,
        username: id,
        password: secrets.get(id),
        reconnectPeriod: 0,
        connectTimeout: 20_000,
        protocolVersion: 4,
      })
      .catch(() => null),
  )
  const connectMs = performance.now() - t0
  const live = clients.filter((c): c is MqttClient => c !== null)
  // Runs reuse device ids (and cached secrets); a seq base from the clock keeps (device, seq) new every run, or
  // the gateway would de-duplicate the whole second run.
  const seqBase = Date.now() * 1000
  const seqs = new Map<MqttClient, number>()
  let sent = 0
  let acked = 0
  let failed = 0
  let readingsSent = 0
  const latencies: number[] = []
  const inflight = new Set<Promise<void>>()

  const publishOne = (client: MqttClient) => {
    const seq = seqs.get(client) ?? seqBase
    seqs.set(client, seq + o.batch)
    const now = Date.now()
    const readings = Array.from({ length: o.batch }, (_, i) => ({
      ts: now,
      seq: seq + i,
      temp_c: 4 + ((seq + i) % 7) / 10,
    }))
    const body = o.batch === 1 ? readings[0] : { readings }
    const began = performance.now()
    sent++
    readingsSent += o.batch
    const p = client
      .publishAsync(`cc/${client.options.clientId}/telemetry`, JSON.stringify(body), { qos: o.qos })
      .then(
        () => {
          acked++
          latencies.push(performance.now() - began)
        },
        () => {
          failed++
        },
      )
      .finally(() => inflight.delete(p))
    inflight.add(p)
  }

  const started = performance.now()
  let next = 0
  if (live.length > 0) {
    for (;;) {
      const elapsed = performance.now() - started
      if (elapsed >= o.durationMs) break
      const due = Math.floor((elapsed / 1000) * o.rate) - sent
      for (let i = 0; i < due; i++) publishOne(live[next++ % live.length] as MqttClient)
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
  }
  const publishedFor = performance.now() - started
  await Promise.race([
    Promise.allSettled([...inflight]),
    new Promise((resolve) => setTimeout(resolve, o.drainMs)),
  ])
  const unacked = inflight.size
  await Promise.all(live.map((c) => c.endAsync(true).catch(() => {})))
  return {
    devices: o.devices,
    connected: live.length,
    connectMs: Math.round(connectMs),
    targetRate: o.rate,
    durationMs: Math.round(publishedFor),
    qos: o.qos,
    batch: o.batch,
    sent,
    acked,
    failed,
    unacked,
    readingsSent,
    achievedRate: Math.round((acked / publishedFor) * 1000),
    ackLatencyMs: roundSummary(summarise(latencies)),
  }
}

async function secretsFor(ids: string[], o: LoadOptions): Promise<Map<string, string>> {
  const cached = new Map<string, string>()
  if (o.secrets) {
    const text = await readFile(o.secrets, 'utf8').catch(() => null)
    if (text)
      for (const [id, s] of Object.entries(JSON.parse(text) as Record<string, string>)) cached.set(id, s)
  }
  const missing = ids.filter((id) => !cached.has(id))
  if (missing.length > 0) {
    if (!o.gateway || !o.token)
      throw new Error(`${missing.length} devices have no secret: pass --gateway and --token to register them`)
    const fresh = await registerAll(
      new GatewayApi(o.gateway, o.token),
      missing.map((id) => ({
        id,
        kind: 'truck_sensor' as const,
        label: 'load test',
        container: `${id}-truck`,
      })),
    )
    for (const [id, s] of fresh) cached.set(id, s)
    if (o.secrets) await writeFile(o.secrets, JSON.stringify(Object.fromEntries(cached)))
  }
  return cached
}

function roundSummary(s: Summary): Summary {
  const r = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100)
  return { count: s.count, p50: r(s.p50), p99: r(s.p99), max: r(s.max) }
}
