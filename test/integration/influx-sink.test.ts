/**
 * The InfluxDB sink end to end: devices publish over MQTT to a real gateway, and what the gateway acknowledged
 * reaches a real InfluxDB-compatible server (influxdb:2 in Docker, else local VictoriaMetrics) with the schema of
 * docs/influx-schema.md — read back from the server itself. The server goes down, the gateway restarts meanwhile,
 * the server comes back: every reading is there, exactly once per series and timestamp.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Gateway } from '../../gateway/gateway.js'
import { hashSecret } from '../../src/auth/secrets.js'
import { loadConfig } from '../../src/config.js'
import { createLogger } from '../../src/log.js'
import type { DeviceKind } from '../../src/model.js'
import { openDatabase } from '../../src/store/database.js'
import { DeviceRepository } from '../../src/store/devices.js'
import { type InfluxServer, startInflux, toPoints } from '../services/influx.js'
import { waitFor } from '../services/service.js'

const SECRET = 'influx-test-device-secret-0123'
let server: InfluxServer
let halted = false
const cleanup: Array<() => Promise<void> | void> = []

beforeAll(async () => {
  server = await startInflux()
}, 180_000)

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
  // A failed outage test must not leave the server down for the next one.
  if (halted) await server.resume()
  halted = false
})

afterAll(async () => {
  await server?.stop()
})

async function newDataDir(devices: Array<[string, DeviceKind]>): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-influx-'))
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }))
  const db = openDatabase(dataDir, loadConfig({}, { dataDir }).store)
  const repo = new DeviceRepository(db)
  const secretHash = await hashSecret(SECRET, 10)
  for (const [id, kind] of devices) repo.create({ id, kind, secretHash })
  db.close()
  return dataDir
}

interface Running {
  gateway: Gateway
  connect(id: string): Promise<MqttClient>
  stop(): Promise<void>
}

async function startGateway(dataDir: string): Promise<Running> {
  const config = loadConfig(
    {},
    {
      dataDir,
      log: { level: 'silent' },
      mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
      http: { host: '127.0.0.1', port: 0, adminToken: 'influx-test-admin-token-0123456789' },
      auth: { scryptLog2N: 10 },
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
      },
    },
  )
  const gateway = new Gateway(config, { log: createLogger(config.log) })
  const ports = await gateway.start()
  const clients: MqttClient[] = []
  const running: Running = {
    gateway,
    async connect(id) {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, {
        clientId: id,
        username: id,
        password: SECRET,
        reconnectPeriod: 0,
      })
      clients.push(client)
      return client
    },
    async stop() {
      await Promise.all(clients.splice(0).map((c) => c.endAsync().catch(() => {})))
      await gateway.stop()
    },
  }
  cleanup.push(() => running.stop())
  return running
}

/** Publishes at QoS 1: resolves on the PUBACK, i.e. once the gateway committed the message. */
const publish = (client: MqttClient, topic: string, payload: unknown) =>
  client.publishAsync(topic, JSON.stringify(payload), { qos: 1 })

const total = async (metric: { get(): Promise<{ values: Array<{ value: number }> }> }) =>
  (await metric.get()).values.reduce((sum, v) => sum + v.value, 0)

async function serverReadings(device: string) {
  return toPoints((await server.samples('reading')).filter((s) => s.tags.device === device))
}

/** VictoriaMetrics keeps booleans as 0/1; compare both servers alike. */
const numeric = (fields: Record<string, unknown> = {}) =>
  Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v]))

describe('InfluxDB sink', () => {
  it('gets what devices published to the server, with the documented schema', async () => {
    const dataDir = await newDataDir([
      ['truck-1', 'truck_sensor'],
      ['scanner-1', 'scanner'],
    ])
    const gw = await startGateway(dataDir)
    const truck = await gw.connect('truck-1')
    const scanner = await gw.connect('scanner-1')
    const t0 = Date.now() - 60_000
    const readings = Array.from({ length: 20 }, (_, i) => ({
      ts: t0 + i * 1000,
      seq: i + 1,
      temp_c: 3 + i / 10,
      rh: 61.5,
      door_open: i === 5,
      battery_pct: 88,
      lat: 31.23,
      lon: 121.47,
    }))
    await publish(truck, 'cc/truck-1/telemetry', { readings })
    await publish(truck, 'cc/truck-1/telemetry', { ts: t0 + 30_000, seq: 99, temp_c: 150 })
    await publish(truck, 'cc/truck-1/status', { ts: t0 + 1, online: true, fw: '1.4.2', battery_pct: 87 })
    const location = { name: 'Hub Pudong', lat: 31.2, lon: 121.5 }
    const scan = {
      ts: t0 + 2,
      seq: 7,
      waybill: 'SF1234567890',
      event: 'load',
      container: 'truck-1',
      location,
    }
    await publish(scanner, 'cc/scanner-1/scan', scan)

    await waitFor('the readings', async () => (await serverReadings('truck-1')).points.length === 21)
    const { points, duplicates } = await serverReadings('truck-1')
    expect(duplicates).toEqual([])
    const first = points.find((p) => p.time === t0)
    expect(first?.tags).toEqual({ device: 'truck-1', device_kind: 'truck_sensor', quality: 'ok' })
    expect(numeric(first?.fields)).toMatchObject({
      temp_c: 3,
      rh: 61.5,
      door_open: 0,
      battery_pct: 88,
      lat: 31.23,
      lon: 121.47,
      seq: 1,
    })
    expect(numeric(points.find((p) => p.time === t0 + 5000)?.fields).door_open).toBe(1)
    const fault = points.find((p) => p.time === t0 + 30_000)
    expect(fault?.tags.quality).toBe('sensor_fault')
    expect(fault?.fields.temp_c).toBe(150)

    await waitFor('the scan', async () => (await server.samples('scan')).length > 0)
    const [scanPoint] = toPoints(await server.samples('scan')).points
    expect(scanPoint?.tags).toEqual({ device: 'scanner-1', event: 'load' })
    expect(scanPoint?.time).toBe(t0 + 2)
    expect(scanPoint?.fields).toMatchObject({ seq: 7, lat: 31.2, lon: 121.5 })
    if (server.keepsStrings) {
      expect(scanPoint?.fields).toMatchObject({
        waybill: 'SF1234567890',
        container: 'truck-1',
        location: 'Hub Pudong',
      })
    }

    await waitFor('the status', async () => (await server.samples('device_status')).length > 0)
    const [status] = toPoints(await server.samples('device_status')).points
    expect(status?.tags).toEqual({ device: 'truck-1', device_kind: 'truck_sensor' })
    expect(numeric(status?.fields)).toMatchObject({ online: 1, battery_pct: 87 })
  })

  it('loses and duplicates nothing across a server outage with a gateway restart in it', async () => {
    const device = 'box-outage'
    const dataDir = await newDataDir([[device, 'box_sensor']])
    const t0 = Date.now() - 3_600_000
    const batch = (from: number, count: number) => ({
      readings: Array.from({ length: count }, (_, i) => ({
        ts: t0 + (from + i) * 1000,
        seq: from + i,
        temp_c: 4,
      })),
    })
    let gw = await startGateway(dataDir)
    let box = await gw.connect(device)
    await publish(box, `cc/${device}/telemetry`, batch(1, 100))
    await waitFor('the first 100', async () => (await serverReadings(device)).points.length === 100)

    await server.halt()
    halted = true
    await publish(box, `cc/${device}/telemetry`, batch(101, 200))
    await waitFor('a failed write', async () => (await total(gw.gateway.metrics.influxFailures)) > 0)
    await gw.stop()

    // The gateway restarts while the server is still down, and devices go on publishing.
    gw = await startGateway(dataDir)
    box = await gw.connect(device)
    await publish(box, `cc/${device}/telemetry`, batch(301, 100))
    await waitFor('300 rows behind', async () => (await total(gw.gateway.metrics.influxLagRows)) === 300)
    expect(await total(gw.gateway.metrics.influxFailures)).toBeGreaterThan(0)

    await server.resume()
    halted = false
    await waitFor(
      'all 400 readings',
      async () => (await serverReadings(device)).points.length === 400,
      30_000,
    )
    const { points, duplicates } = await serverReadings(device)
    expect(duplicates).toEqual([])
    expect(new Set(points.map((p) => p.fields.seq)).size).toBe(400)
    await waitFor('no lag', async () => (await total(gw.gateway.metrics.influxLagRows)) === 0)
  })
})
