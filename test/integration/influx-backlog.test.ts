/**
 * The InfluxDB sink on its own, over a real store and a real InfluxDB-compatible server: a replay after a lost
 * cursor update overwrites instead of duplicating, a large backlog drains in chunks, and devices the registry
 * does not know are tagged `unknown`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GroupCommit } from '../../ingest/group-commit.js'
import { Ingest } from '../../ingest/ingest.js'
import { pipeline } from '../../ingest/pipeline.js'
import { InfluxSink } from '../../ingest/sinks/influx.js'
import { type Config, loadConfig } from '../../src/config.js'
import { createLogger } from '../../src/log.js'
import { Metrics } from '../../src/metrics.js'
import { type Database, openDatabase } from '../../src/store/database.js'
import { DeviceRepository } from '../../src/store/devices.js'
import { type InfluxServer, startInflux, toPoints } from '../services/influx.js'
import { waitFor } from '../services/service.js'

let server: InfluxServer
const dirs: string[] = []

beforeAll(async () => {
  server = await startInflux()
}, 180_000)

afterAll(async () => {
  await server?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** The store, the ingest front door and the sink of one gateway run, over a data directory. */
interface Run {
  db: Database
  ingest: Ingest
  metrics: Metrics
  sink: InfluxSink
  publish(deviceId: string, kind: 'telemetry' | 'scan' | 'status', payload: unknown): Promise<void>
  close(): Promise<void>
}

function openRun(dataDir: string, influx: Partial<Config['influx']> = {}): Run {
  const config = loadConfig(
    {},
    {
      dataDir,
      log: { level: 'silent' },
      store: { groupCommitMs: 1 },
      influx: {
        enabled: true,
        url: server.url,
        org: server.org,
        bucket: server.bucket,
        token: server.token,
        flushIntervalMs: 100,
        backoffMinMs: 100,
        backoffMaxMs: 500,
        ...influx,
      },
    },
  )
  const log = createLogger(config.log)
  const metrics = new Metrics({ defaultMetrics: false })
  const db = openDatabase(config.dataDir, config.store)
  const devices = new DeviceRepository(db)
  const commit = new GroupCommit(db, pipeline, config.store, metrics, log)
  commit.start()
  const ingest = new Ingest(commit, config.ingest, metrics)
  const sink = new InfluxSink({ db, config: config.influx, metrics, log })
  sink.start()
  return {
    db,
    ingest,
    metrics,
    sink,
    publish: (deviceId, kind, payload) =>
      ingest.accept({
        deviceId,
        deviceKind: devices.get(deviceId)?.kind ?? null,
        topic: `cc/${deviceId}/${kind}`,
        payload: Buffer.from(JSON.stringify(payload)),
        qos: 1,
        receivedAt: Date.now(),
      }),
    async close() {
      await sink.stop()
      commit.stop()
      db.close()
    },
  }
}

function newDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cc-influx-'))
  dirs.push(dir)
  return dir
}

const counter = async (metric: { get(): Promise<{ values: Array<{ value: number }> }> }) =>
  (await metric.get()).values.reduce((sum, v) => sum + v.value, 0)

/** Readings of one device as the server holds them, grouped into points. */
async function serverReadings(device: string) {
  const samples = (await server.samples('reading')).filter((s) => s.tags.device === device)
  return toPoints(samples)
}

describe('InfluxDB sink over the store', () => {
  it('overwrites instead of duplicating when a chunk is sent again', async () => {
    const run = openRun(newDataDir())
    const device = 'box-replay'
    const t0 = Date.now() - 7_200_000
    const readings = Array.from({ length: 300 }, (_, i) => ({ ts: t0 + i * 1000, seq: i, temp_c: 5 }))
    await run.publish(device, 'telemetry', { readings })
    await waitFor('the readings', async () => (await serverReadings(device)).points.length === 300)
    // A crash between the server's acknowledgement and the cursor update: everything is sent again.
    run.db.prepare("UPDATE sink_cursors SET last_id = 0 WHERE name = 'influx:reading'").run()
    const before = await counter(run.metrics.influxPointsWritten)
    await waitFor('the replay', async () => (await counter(run.metrics.influxPointsWritten)) >= before + 300)
    const { points, duplicates } = await serverReadings(device)
    expect(duplicates).toEqual([])
    expect(points.length).toBe(300)
    await run.close()
  })

  it('tags devices the registry does not know as unknown', async () => {
    const run = openRun(newDataDir())
    await run.publish('box-unregistered', 'telemetry', { ts: Date.now() - 1000, seq: 1, temp_c: 5 })
    await waitFor('the reading', async () => (await serverReadings('box-unregistered')).points.length === 1)
    const [point] = (await serverReadings('box-unregistered')).points
    expect(point?.tags).toEqual({ device: 'box-unregistered', device_kind: 'unknown', quality: 'ok' })
    await run.close()
  })

  it('drains a backlog in chunks without holding up ingest', async () => {
    const dataDir = newDataDir()
    const device = 'truck-backlog'
    const total = 20_000
    const t0 = Date.now() - 10 * 3_600_000
    const run = openRun(dataDir, { batchSize: 5000 })
    // The sink is stopped while the backlog builds up (as during an outage), then started on it.
    await run.sink.stop()
    for (let from = 0; from < total; from += 2000) {
      const readings = Array.from({ length: 2000 }, (_, i) => ({
        ts: t0 + (from + i) * 10,
        seq: from + i,
        temp_c: -18,
      }))
      await run.publish(device, 'telemetry', { readings })
    }
    const started = performance.now()
    run.sink.start()
    // Ingest goes on while the sink drains: each commit is acknowledged promptly.
    const commitMs: number[] = []
    for (let seq = total; (await counter(run.metrics.influxPointsWritten)) < total; seq++) {
      const at = performance.now()
      await run.publish(device, 'telemetry', { ts: t0 + seq * 10, seq, temp_c: -18 })
      commitMs.push(performance.now() - at)
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const seconds = (performance.now() - started) / 1000
    expect(Math.max(...commitMs)).toBeLessThan(500)
    // The server indexes new series on its own schedule: poll it rather than read once.
    await waitFor(
      'the backlog on the server',
      async () => (await serverReadings(device)).points.length >= total,
      30_000,
      250,
    )
    const { points, duplicates } = await serverReadings(device)
    expect(points.length).toBe(new Set(points.map((p) => p.time)).size)
    expect(duplicates).toEqual([])
    // Informal throughput figure, reported with the test output.
    console.info(
      `influx sink drained ${total} readings in ${seconds.toFixed(2)} s (${Math.round(total / seconds)} points/s);` +
        ` ${commitMs.length} commits meanwhile, slowest ${Math.max(...commitMs).toFixed(1)} ms`,
    )
    await run.close()
  }, 120_000)
})
