/**
 * A real broker on 127.0.0.1 (ephemeral ports) over real dependencies: an in-memory SQLite store, the device
 * registry, the ingest pipeline and its group commit. Tests connect with mqtt.js, or with `RawClient` when they
 * need to send bytes no library would.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { type Socket, connect as tcpConnect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { Broker, type BrokerDeps } from '../../../gateway/broker/broker.js'
import { GroupCommit } from '../../../ingest/group-commit.js'
import { Ingest } from '../../../ingest/ingest.js'
import { pipeline } from '../../../ingest/pipeline.js'
import { hashSecret } from '../../../src/auth/secrets.js'
import { type Config, type ConfigInput, loadConfig } from '../../../src/config.js'
import { createLogger } from '../../../src/log.js'
import { Metrics } from '../../../src/metrics.js'
import type { DeviceKind } from '../../../src/model.js'
import { type Database, openDatabase } from '../../../src/store/database.js'
import { DeviceRepository } from '../../../src/store/devices.js'

export const SECRET = 'device-secret-0123456789abcdef'

export interface HarnessOptions {
  mqtt?: ConfigInput['mqtt']
  /** Stands between the broker and the real ingest (to hold or fail messages). */
  ingest?: (real: Ingest) => BrokerDeps['ingest']
  /** Stands between the broker and the real device registry. */
  devices?: (real: DeviceRepository) => BrokerDeps['devices']
  /** Receives every log line (level debug) when given. */
  logLines?: string[]
}

export type Table = 'readings' | 'scans' | 'device_status' | 'dead_letters'

export class Harness {
  readonly clients = new Set<MqttClient>()
  readonly raws = new Set<RawClient>()

  constructor(
    readonly config: Config,
    readonly db: Database,
    readonly devices: DeviceRepository,
    readonly commit: GroupCommit,
    readonly metrics: Metrics,
    readonly broker: Broker,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `mqtt://127.0.0.1:${this.broker.ports.mqtt}`
  }

  /** Registers a device with `secret` (scrypt at the test cost) and returns its id. */
  async addDevice(id: string, kind: DeviceKind = 'box_sensor', secret = SECRET): Promise<string> {
    this.devices.create({ id, kind, secretHash: await hashSecret(secret, this.config.auth.scryptLog2N) })
    return id
  }

  /** An mqtt.js client (MQTT 3.1.1, no reconnect) logged in as `deviceId` with the test secret. */
  async connect(
    deviceId: string | null,
    options: IClientOptions & { url?: string } = {},
  ): Promise<MqttClient> {
    const { url = this.url, ...rest } = options
    const client = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 3_000,
      clientId: deviceId ?? `anon-${Math.random().toString(16).slice(2)}`,
      ...(deviceId === null ? {} : { username: deviceId, password: SECRET }),
      ...rest,
    })
    this.clients.add(client)
    return client
  }

  async raw(port = this.broker.ports.mqtt): Promise<RawClient> {
    const raw = await RawClient.open(port)
    this.raws.add(raw)
    return raw
  }

  count(table: Table, deviceId?: string): number {
    const row = deviceId
      ? this.db.prepare(`SELECT count(*) AS n FROM ${table} WHERE device_id = ?`).get(deviceId)
      : this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get()
    return (row as { n: number }).n
  }

  async refusals(reason: string): Promise<number> {
    const { values } = await this.metrics.mqttRefusals.get()
    return values.find((v) => v.labels.reason === reason)?.value ?? 0
  }

  async close(): Promise<void> {
    for (const client of this.clients) client.end(true)
    for (const raw of this.raws) raw.socket.destroy()
    await this.broker.stop()
    this.commit.stop()
    this.db.close()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

export async function startBroker(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-broker-'))
  const config = loadConfig(
    {},
    {
      dataDir: dir,
      log: { level: options.logLines ? 'debug' : 'silent' },
      auth: { scryptLog2N: 10 },
      mqtt: { host: '127.0.0.1', port: 0, wsPort: 0, tlsPort: 0, ...options.mqtt },
      store: { file: ':memory:', groupCommitMs: 2 },
    },
  )
  const lines = options.logLines
  const log = createLogger(config.log, { write: (line: string) => void lines?.push(line) })
  const metrics = new Metrics({ defaultMetrics: false })
  const db = openDatabase(dir, config.store)
  const devices = new DeviceRepository(db)
  const commit = new GroupCommit(db, pipeline, config.store, metrics, log, Date.now)
  commit.start()
  const ingest = new Ingest(commit, config.ingest, metrics)
  const broker = new Broker({
    config: config.mqtt,
    auth: config.auth,
    devices: options.devices ? options.devices(devices) : devices,
    ingest: options.ingest ? options.ingest(ingest) : ingest,
    metrics,
    log,
    clock: Date.now,
  })
  await broker.start()
  return new Harness(config, db, devices, commit, metrics, broker, dir)
}

/** A reading of the contract, stamped now. */
export function reading(seq: number, tempC = 4.2): string {
  return JSON.stringify({ ts: Date.now(), seq, temp_c: tempC })
}

/** Resolves when `predicate` holds, polling every 5 ms; rejects after `timeoutMs`. */
export async function until(predicate: () => boolean | Promise<boolean>, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Resolves with the client's next 'close', or rejects after `timeoutMs`. */
export function closeOf(client: MqttClient, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!client.connected && client.disconnected) return resolve()
    const timer = setTimeout(() => reject(new Error('client not closed')), timeoutMs)
    client.once('close', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

export interface RawPacket {
  type: number
  flags: number
  body: Buffer
}

/** A bare TCP socket speaking hand-built MQTT; reads whole packets back. */
export class RawClient {
  private buffer = Buffer.alloc(0)
  private waiting: (() => void) | null = null
  closedAt: number | null = null
  readonly closed: Promise<void>

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk])
      this.waiting?.()
    })
    socket.on('error', () => {})
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedAt = Date.now()
        this.waiting?.()
        resolve()
      }),
    )
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = tcpConnect(port, '127.0.0.1')
      socket.once('connect', () => resolve(new RawClient(socket)))
      socket.once('error', reject)
    })
  }

  send(...chunks: Buffer[]): void {
    for (const chunk of chunks) this.socket.write(chunk)
  }

  /** The next whole packet, or null if the connection closes first (or after `timeoutMs`). */
  async next(timeoutMs = 2_000): Promise<RawPacket | null> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const packet = this.take()
      if (packet) return packet
      if (this.closedAt !== null || Date.now() > deadline) return null
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))
        this.waiting = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.waiting = null
    }
  }

  /** Sends CONNECT and returns the CONNACK return code (null: closed without CONNACK). */
  async handshake(connectPacket: Buffer): Promise<number | null> {
    this.send(connectPacket)
    const packet = await this.next()
    return packet && packet.type === 2 ? (packet.body[1] ?? null) : null
  }

  /** True when the server closes the connection within `timeoutMs`. */
  async closesWithin(timeoutMs: number): Promise<boolean> {
    const timer = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs))
    return Promise.race([this.closed.then(() => true as const), timer])
  }

  private take(): RawPacket | null {
    const buf = this.buffer
    if (buf.length < 2) return null
    let length = 0
    let multiplier = 1
    let i = 1
    for (;;) {
      const b = buf[i]
      if (b === undefined) return null
      length += (b & 0x7f) * multiplier
      multiplier *= 128
      i++
      if ((b & 0x80) === 0) break
    }
    if (buf.length < i + length) return null
    const first = buf[0] as number
    const packet = { type: first >> 4, flags: first & 0x0f, body: buf.subarray(i, i + length) }
    this.buffer = buf.subarray(i + length)
    return packet
  }
}
