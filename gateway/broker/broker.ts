/**
 * The MQTT broker of the gateway: aedes behind the listeners, with a frame guard on every connection and the
 * device contract in its hooks (authenticate.ts, uplink.ts, subscriptions.ts). `start()` and `stop()` mirror
 * each other: aedes, then the listeners; on stop, no new connections, no new publishes, the publishes already
 * handed to ingest committed and acknowledged, then clients closed and aedes closed.
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises'
import { Aedes, type Client } from 'aedes'
import type { Ingest } from '../../ingest/ingest.js'
import type { Config } from '../../src/config.js'
import { AppError } from '../../src/errors.js'
import type { Logger } from '../../src/log.js'
import type { Metrics } from '../../src/metrics.js'
import type { DeviceRepository } from '../../src/store/devices.js'
import { Authenticator } from './authenticate.js'
import { ClientIndex } from './client-index.js'
import { guardConnection } from './connection-guard.js'
import { CredentialCache } from './credential-cache.js'
import { downlinkTopicFor, encodeDownlink, publishDownlink } from './downlink.js'
import { observe } from './events.js'
import { boundPorts, destroyRemaining, type Listeners, openListeners, stopAccepting } from './listeners.js'
import { Refusals } from './refusals.js'
import { Subscriptions } from './subscriptions.js'
import { Uplink } from './uplink.js'

export interface BrokerDeps {
  config: Config['mqtt']
  /** Not read: verification takes the scrypt cost from each stored hash, so old hashes keep working. */
  auth: Config['auth']
  devices: Pick<DeviceRepository, 'credentials' | 'get'>
  ingest: Pick<Ingest, 'accept'>
  metrics: Metrics
  log: Logger
  clock: () => number
}

/** aedes takes a plain timeout; 0 in the config means "no limit", which for a timer is the longest one. */
const NO_LIMIT_MS = 2_147_483_647
/** How long stop() waits for acknowledgements to leave the sockets before closing them. */
const FLUSH_MS = 250

interface Running {
  aedes: Aedes
  listeners: Listeners | null
  index: ClientIndex
  cache: CredentialCache
  uplink: Uplink
  refusals: Refusals
  conns: Set<Duplex>
  accepting: boolean
}

export class Broker {
  private running: Running | null = null
  private isReady = false

  constructor(private readonly deps: BrokerDeps) {}

  async start(): Promise<void> {
    if (this.running) throw new Error('broker already started')
    const { config, devices, ingest, metrics, log, clock } = this.deps
    if (config.openMode) log.warn('MQTT open mode: anonymous clients may publish and subscribe on any topic')
    const index = new ClientIndex()
    const cache = new CredentialCache()
    const refusals = new Refusals(metrics, log)
    const auth = new Authenticator({ config, devices, index, cache, refusals, log })
    const uplink = new Uplink({ openMode: config.openMode, ingest, devices, index, refusals, log, clock })
    const subscriptions = new Subscriptions({ openMode: config.openMode, index, refusals, log })
    const aedes = new Aedes({
      connectTimeout: config.connectTimeoutMs > 0 ? config.connectTimeoutMs : NO_LIMIT_MS,
      drainTimeout: config.drainTimeoutMs,
      // Checked in connect-rules.ts instead: aedes answers CONNACK 6, a code MQTT 3.1.1 reserves.
      keepaliveLimit: 0,
      maxClientsIdLength: config.maxClientIdLength,
      maxTopicLevels: config.maxTopicLevels,
      preConnect: auth.preConnect,
      authenticate: auth.authenticate,
      authorizePublish: uplink.authorizePublish,
      authorizeSubscribe: subscriptions.authorizeSubscribe,
      authorizeForward: subscriptions.authorizeForward,
    })
    await aedes.listen()
    observe(aedes, index, metrics, log)
    const running: Running = {
      aedes,
      listeners: null,
      index,
      cache,
      uplink,
      refusals,
      conns: new Set(),
      accepting: true,
    }
    this.running = running
    try {
      running.listeners = await openListeners(config, (conn, req) => this.accept(running, conn, req), log)
    } catch (err) {
      this.running = null
      await new Promise<void>((resolve) => aedes.close(() => resolve()))
      throw err
    }
    this.isReady = true
    log.info({ ports: this.ports, openMode: config.openMode }, 'MQTT broker listening')
  }

  async stop(): Promise<void> {
    const running = this.running
    if (!running) return
    const { log, config } = this.deps
    this.isReady = false
    running.accepting = false
    const closed = running.listeners ? stopAccepting(running.listeners) : Promise.resolve()
    running.uplink.close()
    const waitMs = config.drainTimeoutMs > 0 ? config.drainTimeoutMs : 5_000
    if (!(await running.uplink.drained(waitMs))) {
      log.warn({ pending: running.uplink.pending }, 'stopping with publishes still waiting for the store')
    }
    await flushed(running.conns, FLUSH_MS)
    await new Promise<void>((resolve) => running.aedes.close(() => resolve()))
    for (const conn of running.conns) conn.destroy()
    if (running.listeners) destroyRemaining(running.listeners)
    await closed
    this.running = null
    log.info('MQTT broker stopped')
  }

  get ports(): { mqtt: number; ws: number; tls: number | null } {
    const listeners = this.running?.listeners
    if (!listeners) throw new Error('broker not started')
    return boundPorts(listeners)
  }

  get ready(): boolean {
    return this.isReady
  }

  /** Cuts every connection of a device at once (disabled, secret rotated) and forgets its verified secret. */
  disconnect(deviceId: string): void {
    const running = this.running
    if (!running) return
    running.cache.forget(deviceId)
    const clients = running.index.clientsOf(deviceId)
    for (const client of clients) {
      running.uplink.silence(client)
      client.conn.destroy()
    }
    if (clients.length > 0) {
      this.deps.log.info({ deviceId, connections: clients.length }, 'device disconnected by the gateway')
    }
  }

  /** Publishes `payload` to `cc/{deviceId}/down/{name}` at QoS 1. */
  publishDown(deviceId: string, name: string, payload: unknown, retain: boolean): Promise<void> {
    const running = this.running
    if (!running || !this.isReady) return Promise.reject(new AppError('SHUTTING_DOWN'))
    try {
      const topic = downlinkTopicFor(deviceId, name, this.deps.config.maxTopicLevels)
      return publishDownlink(
        running.aedes,
        this.deps.metrics,
        topic,
        name,
        encodeDownlink(payload, retain),
        retain,
      )
    } catch (err) {
      return Promise.reject(err)
    }
  }

  private accept(running: Running, conn: Duplex, req?: IncomingMessage): void {
    if (!running.accepting) {
      conn.destroy()
      return
    }
    const remoteAddress = (conn as { remoteAddress?: string }).remoteAddress
    running.conns.add(conn)
    guardConnection(conn, this.deps.config.maxPacketBytes, (violation) => {
      running.refusals.record(
        'MQTT_PROTOCOL',
        { remoteAddress, ...violation },
        'malformed packet; connection closed',
      )
      conn.destroy()
    })
    let client: Client | null = null
    conn.once('close', () => {
      running.conns.delete(conn)
      if (client) running.index.release(client)
    })
    client = running.aedes.handle(conn, req)
  }
}

/** Waits, at most `timeoutMs`, until every connection has handed its queued writes to the operating system. */
async function flushed(conns: Set<Duplex>, timeoutMs: number): Promise<void> {
  await nextTurn()
  const deadline = Date.now() + timeoutMs
  while ([...conns].some((conn) => !conn.destroyed && conn.writableLength > 0) && Date.now() < deadline) {
    await sleep(5)
  }
}
