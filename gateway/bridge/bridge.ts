/**
 * The bridge: the gateway as an MQTT client of an external broker (Mosquitto, EMQX) for couriers whose devices
 * already talk to one (issue 6). Messages on the device topics go through the same ingest as the gateway's own
 * broker, and the contract's promise holds on this path too: at QoS 1 the PUBACK to the external broker means
 * "durably stored" (ARCHITECTURE.md, device contract).
 *
 * - MQTT 5 with `customHandleAcks`: mqtt.js sends the PUBACK (PUBREC at QoS 2) only when we call back, which
 *   we do after the group commit. mqtt.js handles one incoming packet at a time, so acknowledgements keep the
 *   order of the publishes [MQTT-4.6.0-2], and one bridge connection ingests one message per commit.
 * - A persistent session (clean start off, a session expiry) with a stable client id: what is published while
 *   the gateway is down or restarting is queued by the broker and delivered after it reconnects.
 * - A message the store did not commit is not acknowledged; the connection is dropped so that the broker
 *   redelivers it after the reconnect (it would otherwise stay in flight until the next connection).
 */
import { readFileSync } from 'node:fs'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import type { GroupCommit } from '../../ingest/group-commit.js'
import type { Ingest } from '../../ingest/ingest.js'
import { parseUplinkTopic } from '../../ingest/topics.js'
import type { Config } from '../../src/config.js'
import type { Logger } from '../../src/log.js'
import type { Metrics } from '../../src/metrics.js'
import type { DeviceRepository } from '../../src/store/devices.js'
import { admit } from './admission.js'
import { refusal } from './refusal.js'

export interface BridgeDeps {
  config: Config['bridge']
  limits: Config['ingest']
  ingest: Pick<Ingest, 'accept'>
  /** For the dead letters of refused devices, which never reach the decoders. */
  commit: Pick<GroupCommit, 'submit'>
  devices: Pick<DeviceRepository, 'get'>
  metrics: Metrics
  log: Logger
  clock?: () => number
}

type AckCallback = (error: Error | number, code?: number) => void

export class Bridge {
  private client: MqttClient | null = null
  private stopping = false
  private inFlight: Promise<void> | null = null
  private subscribedOnce: Promise<void> | null = null
  private warnedOffline = false

  constructor(private readonly deps: BridgeDeps) {}

  /** Connects in the background: an unreachable broker does not hold up the gateway; mqtt.js keeps retrying. */
  start(): void {
    const { config, metrics, log } = this.deps
    this.stopping = false
    const options: IClientOptions = {
      clientId: config.clientId,
      username: config.username,
      password: config.password,
      protocolVersion: 5,
      clean: config.clean,
      properties: { sessionExpiryInterval: config.clean ? 0 : config.sessionExpiryS },
      reconnectPeriod: config.reconnectMs,
      connectTimeout: 10_000,
      // Subscriptions are renewed by us on every connection (see 'connect' below).
      resubscribe: false,
      customHandleAcks: (topic, payload, packet, done) => this.onPublish(topic, payload, packet.qos, done),
      ...(config.caFile ? { ca: readFileSync(config.caFile) } : {}),
    }
    const client = mqtt.connect(config.url, options)
    this.client = client
    let resolveSubscribed: () => void = () => {}
    this.subscribedOnce = new Promise((resolve) => {
      resolveSubscribed = resolve
    })
    client.on('connect', (connack) => {
      metrics.bridgeConnected.set(1)
      this.warnedOffline = false
      log.info({ url: config.url, sessionPresent: connack.sessionPresent }, 'bridge connected')
      // Renewed on every connection (the topics may have changed since the session began). rh 1: retained
      // messages (device status, the Last Will) come only with a new subscription, not with every renewal.
      const topics = Object.fromEntries(
        config.topics.map((t) => [t, { qos: config.qos as 0 | 1 | 2, rh: 1 }]),
      )
      client.subscribe(topics, (err, granted) => {
        if (err) log.error({ err }, 'bridge subscribe failed')
        else log.info({ granted: granted?.map((g) => `${g.topic}@${g.qos}`) }, 'bridge subscribed')
        if (!err) resolveSubscribed()
      })
    })
    client.on('close', () => metrics.bridgeConnected.set(0))
    client.on('error', (err) => {
      if (this.stopping) return
      // One warning per outage; mqtt.js retries every `reconnectMs` and each failed attempt is an error.
      log[this.warnedOffline ? 'debug' : 'warn']({ err }, 'bridge connection error')
      this.warnedOffline = true
    })
    // QoS 0 messages bypass customHandleAcks: there is nothing to acknowledge.
    client.on('message', (topic, payload, packet) => {
      if (packet.qos === 0)
        void this.ingest(topic, payload, 0).catch((err) =>
          log.warn({ err, topic }, 'bridged QoS 0 message lost'),
        )
    })
  }

  /** Resolves once the first subscription is in place (tests, readiness). */
  subscribed(): Promise<void> {
    return this.subscribedOnce ?? Promise.reject(new Error('bridge not started'))
  }

  /**
   * Stops taking messages, lets the one being committed finish and be acknowledged (bounded by
   * `drainTimeoutMs`), then disconnects. The session stays at the broker, which queues what comes next.
   */
  async stop(): Promise<void> {
    const client = this.client
    if (!client) return
    this.stopping = true
    const bounded = async (work: Promise<unknown>) => {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise((resolve) => {
        timer = setTimeout(resolve, this.deps.config.drainTimeoutMs)
      })
      await Promise.race([work.catch(() => {}), timeout]).finally(() => clearTimeout(timer))
    }
    if (this.inFlight) await bounded(this.inFlight)
    // A graceful end lets the last PUBACK go out; a dead connection must not hold the shutdown.
    await bounded(client.endAsync(false))
    if (!client.disconnected) await client.endAsync(true).catch(() => {})
    this.client = null
    this.deps.metrics.bridgeConnected.set(0)
    this.deps.log.info('bridge stopped')
  }

  private onPublish(topic: string, payload: Buffer, qos: 0 | 1 | 2, done: AckCallback): void {
    if (this.stopping) {
      // Not acknowledged: the broker keeps it in the session for the next start.
      done(new Error('bridge stopping'))
      return
    }
    const work = this.ingest(topic, payload, qos).then(
      () => done(0),
      (err: unknown) => {
        this.deps.metrics.bridgeFailures.inc()
        this.deps.log.error({ err, topic }, 'bridged message not committed; reconnecting for redelivery')
        // Drop the connection before anything else is acknowledged, so the broker redelivers from here on.
        this.client?.stream.destroy()
        done(err instanceof Error ? err : new Error(String(err)))
      },
    )
    const tracked = work.finally(() => {
      if (this.inFlight === tracked) this.inFlight = null
    })
    this.inFlight = tracked
  }

  /** Ingests one bridged message; resolves after its commit (records or dead letter). */
  private async ingest(topic: string, payload: Buffer, qos: 0 | 1 | 2): Promise<void> {
    const { config, limits, devices, ingest, commit } = this.deps
    const receivedAt = (this.deps.clock ?? Date.now)()
    const parsed = parseUplinkTopic(topic)
    // A topic outside the contract is ingested as is: the decoders dead-letter it with INGEST_UNKNOWN_TOPIC.
    const deviceId = parsed?.deviceId ?? topic.split('/')[1] ?? ''
    const admission = parsed
      ? admit(deviceId, devices.get(deviceId), config.unknownDevices)
      : { ok: true as const, kind: null }
    if (!admission.ok) {
      return commit.submit(refusal({ deviceId, topic, payload, receivedAt, limits, ...admission }))
    }
    return ingest.accept({ deviceId, deviceKind: admission.kind, topic, payload, qos, receivedAt })
  }
}
