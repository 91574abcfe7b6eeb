/**
 * The bridge against a real Mosquitto: devices publish to the external broker, the bridge ingests into the store,
 * and its PUBACK to the broker comes only after the commit — a message not committed is redelivered, never lost.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { Bridge } from '../../gateway/bridge/bridge.js'
import { Gateway } from '../../gateway/gateway.js'
import { GroupCommit } from '../../ingest/group-commit.js'
import { type InboundMessage, Ingest } from '../../ingest/ingest.js'
import { pipeline } from '../../ingest/pipeline.js'
import { type Config, loadConfig } from '../../src/config.js'
import { AppError } from '../../src/errors.js'
import { createLogger } from '../../src/log.js'
import { Metrics } from '../../src/metrics.js'
import { type Database, openDatabase } from '../../src/store/database.js'
import { DeviceRepository } from '../../src/store/devices.js'
import { type MosquittoServer, startMosquitto } from '../services/mosquitto.js'
import { waitFor } from '../services/service.js'

let broker: MosquittoServer
let halted = false
const cleanup: Array<() => Promise<void> | void> = []

beforeAll(async () => {
  broker = await startMosquitto()
}, 180_000)

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
  if (halted) await broker.resume()
  halted = false
})

afterAll(async () => {
  await broker?.stop()
})

/** A gateway's store and ingest path, without the gateway's own broker. */
interface Store {
  db: Database
  config: Config
  ingest: Ingest
  commit: GroupCommit
  devices: DeviceRepository
  count(table: 'readings' | 'dead_letters', deviceId: string): number
}

function openStore(): Store {
  const dataDir = mkdtempSync(join(tmpdir(), 'cc-bridge-'))
  const config = loadConfig({}, { dataDir, log: { level: 'silent' }, store: { groupCommitMs: 1 } })
  const metrics = new Metrics({ defaultMetrics: false })
  const db = openDatabase(dataDir, config.store)
  const commit = new GroupCommit(db, pipeline, config.store, metrics, createLogger(config.log))
  commit.start()
  cleanup.push(() => {
    commit.stop()
    db.close()
    rmSync(dataDir, { recursive: true, force: true })
  })
  return {
    db,
    config,
    commit,
    ingest: new Ingest(commit, config.ingest, metrics),
    devices: new DeviceRepository(db),
    count: (table, deviceId) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE device_id = ?`).get(deviceId) as { n: number }).n,
  }
}

type Accept = (message: InboundMessage) => Promise<void>

async function startBridge(store: Store, clientId: string, accept?: Accept) {
  const metrics = new Metrics({ defaultMetrics: false })
  const bridge = new Bridge({
    config: {
      ...store.config.bridge,
      enabled: true,
      url: broker.url,
      clientId,
      reconnectMs: 200,
      drainTimeoutMs: 500,
    },
    limits: store.config.ingest,
    ingest: { accept: accept ?? ((m) => store.ingest.accept(m)) },
    commit: store.commit,
    devices: store.devices,
    metrics,
    log: createLogger(store.config.log),
  })
  bridge.start()
  cleanup.push(() => bridge.stop())
  await bridge.subscribed()
  return { bridge, metrics }
}

/** A device of the courier's fleet, talking to the external broker directly. */
async function device(id: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(broker.url, { clientId: `dev-${id}`, reconnectPeriod: 100 })
  cleanup.push(() => client.endAsync(true))
  return client
}

const reading = (seq: number) => JSON.stringify({ ts: Date.now() - 1000 + seq, seq, temp_c: 4 + seq / 100 })

const gauge = async (metric: { get(): Promise<{ values: Array<{ value: number }> }> }) =>
  (await metric.get()).values.reduce((sum, v) => sum + v.value, 0)

describe('MQTT bridge to an external broker', () => {
  it('ingests what devices publish to the external broker', async () => {
    const store = openStore()
    store.devices.create({ id: 'truck-b1', kind: 'truck_sensor', secretHash: 'x' })
    await startBridge(store, 'bridge-basic')
    const truck = await device('truck-b1')
    for (let seq = 1; seq <= 20; seq++)
      await truck.publishAsync('cc/truck-b1/telemetry', reading(seq), { qos: 1 })
    await truck.publishAsync('cc/truck-b1/status', JSON.stringify({ ts: Date.now(), online: true }), {
      qos: 1,
    })
    await waitFor('20 readings', async () => store.count('readings', 'truck-b1') === 20)
    await waitFor('the status', async () => {
      return (
        (
          store.db.prepare("SELECT count(*) AS n FROM device_status WHERE device_id = 'truck-b1'").get() as {
            n: number
          }
        ).n === 1
      )
    })
  })

  it('does not acknowledge a message before its commit: a crash in between means redelivery', async () => {
    const store = openStore()
    const held: InboundMessage[] = []
    // The first bridge "crashes" while its message waits for the commit: the commit never happens.
    const first = await startBridge(store, 'bridge-crash', (m) => {
      held.push(m)
      return new Promise<void>(() => {})
    })
    const box = await device('box-c1')
    await box.publishAsync('cc/box-c1/telemetry', reading(1), { qos: 1 })
    await waitFor('the message at the bridge', async () => held.length === 1)
    await first.bridge.stop()
    expect(store.count('readings', 'box-c1')).toBe(0)

    // Same client id, persistent session: the broker still holds the unacknowledged message.
    await startBridge(store, 'bridge-crash')
    await waitFor('the redelivered reading', async () => store.count('readings', 'box-c1') === 1)
  })

  it('redelivers a message whose commit failed', async () => {
    const store = openStore()
    let failures = 0
    const { metrics } = await startBridge(store, 'bridge-fail', (m) => {
      if (m.payload.toString().includes('"seq":3,') && failures++ === 0) {
        return Promise.reject(new AppError('STORE_UNAVAILABLE', 'disk full (simulated)'))
      }
      return store.ingest.accept(m)
    })
    const box = await device('box-f1')
    for (let seq = 1; seq <= 5; seq++) await box.publishAsync('cc/box-f1/telemetry', reading(seq), { qos: 1 })
    await waitFor('all 5 readings', async () => store.count('readings', 'box-f1') === 5)
    expect(await gauge(metrics.bridgeFailures)).toBe(1)
  })

  it('gets what was published while the gateway was away (persistent session)', async () => {
    const store = openStore()
    const first = await startBridge(store, 'bridge-away')
    await first.bridge.stop()
    const truck = await device('truck-a1')
    for (let seq = 1; seq <= 10; seq++)
      await truck.publishAsync('cc/truck-a1/telemetry', reading(seq), { qos: 1 })
    await startBridge(store, 'bridge-away')
    await waitFor('the 10 queued readings', async () => store.count('readings', 'truck-a1') === 10)
  })

  it('reconnects after the external broker restarts', async () => {
    const store = openStore()
    const { metrics } = await startBridge(store, 'bridge-restart')
    const truck = await device('truck-r1')
    await truck.publishAsync('cc/truck-r1/telemetry', reading(1), { qos: 1 })
    await waitFor('the first reading', async () => store.count('readings', 'truck-r1') === 1)

    await broker.halt()
    halted = true
    await waitFor('the bridge to notice', async () => (await gauge(metrics.bridgeConnected)) === 0)
    await broker.resume()
    halted = false
    await waitFor('the bridge to reconnect', async () => (await gauge(metrics.bridgeConnected)) === 1, 20_000)
    await waitFor('the device to reconnect', async () => truck.connected, 20_000)
    await truck.publishAsync('cc/truck-r1/telemetry', reading(2), { qos: 1 })
    await waitFor('the reading after the restart', async () => store.count('readings', 'truck-r1') === 2)
  })

  it('accepts unregistered devices and dead-letters disabled ones', async () => {
    const store = openStore()
    store.devices.create({ id: 'box-off', kind: 'box_sensor', secretHash: 'x' })
    store.devices.update('box-off', { enabled: false })
    await startBridge(store, 'bridge-admission')
    const ghost = await device('ghost-1')
    await ghost.publishAsync('cc/ghost-1/telemetry', reading(1), { qos: 1 })
    const off = await device('box-off')
    await off.publishAsync('cc/box-off/telemetry', reading(1), { qos: 1 })
    await waitFor('the unregistered reading', async () => store.count('readings', 'ghost-1') === 1)
    await waitFor('the dead letter', async () => store.count('dead_letters', 'box-off') === 1)
    expect(store.count('readings', 'box-off')).toBe(0)
    const letter = store.db.prepare("SELECT reason FROM dead_letters WHERE device_id = 'box-off'").get()
    expect(letter).toEqual({ reason: 'INGEST_DEVICE_DISABLED' })
  })

  it('runs inside the gateway when bridge.enabled is set', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cc-bridge-gw-'))
    cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }))
    const config = loadConfig(
      {},
      {
        dataDir,
        log: { level: 'silent' },
        mqtt: { host: '127.0.0.1', port: 0, wsPort: 0 },
        http: { host: '127.0.0.1', port: 0, adminToken: 'bridge-test-admin-token-0123456789' },
        auth: { scryptLog2N: 10 },
        bridge: { enabled: true, url: broker.url, clientId: 'bridge-gateway', reconnectMs: 200 },
      },
    )
    const gateway = new Gateway(config, { log: createLogger(config.log) })
    await gateway.start()
    await waitFor('the bridge to connect', async () => (await gauge(gateway.metrics.bridgeConnected)) === 1)
    const truck = await device('truck-g1')
    const count = (table: string) => {
      const db = openDatabase(dataDir, config.store)
      const row = db.prepare(`SELECT count(*) AS n FROM ${table} WHERE device_id = 'truck-g1'`).get() as {
        n: number
      }
      db.close()
      return row.n
    }
    // A retained status reaches the bridge whenever its subscription lands; once stored, readings can follow.
    const status = JSON.stringify({ ts: Date.now(), online: true })
    await truck.publishAsync('cc/truck-g1/status', status, { qos: 1, retain: true })
    cleanup.push(() => truck.publishAsync('cc/truck-g1/status', '', { qos: 1, retain: true }).then(() => {}))
    await waitFor('the retained status', async () => count('device_status') === 1)
    for (let seq = 1; seq <= 3; seq++)
      await truck.publishAsync('cc/truck-g1/telemetry', reading(seq), { qos: 1 })
    await waitFor('the bridged readings', async () => count('readings') === 3)
    await gateway.stop()
    expect(count('readings')).toBe(3)
  })
})
