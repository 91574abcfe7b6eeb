/**
 * aedes `authorizePublish`: the publish ACL and the hand-off to ingest. aedes sends the PUBACK (QoS 1) or
 * PUBREC (QoS 2) only after this hook answers (lib/handlers/publish.js: authorizePublish, then enqueuePublish),
 * so for QoS > 0 the answer waits for the ingest promise, which settles when the group commit is durable: a
 * PUBACK means "stored". A refused topic or a failed commit answers with an error — aedes then closes the
 * connection without acknowledging [MQTT-3.3.5-2], and the device re-sends on its next connection. QoS 0 is
 * answered at once and stored best-effort.
 *
 * The will published when a connection drops also passes here (lib/client.js), so it obeys the same rules and
 * is stored like any status message. Clients cut off by an admin, and every client once the broker stops,
 * are refused, which also suppresses their will: neither the device nor its link failed.
 */
import type { Client, PublishPacket } from 'aedes'
import type { Ingest } from '../../ingest/ingest.js'
import { AppError, isAppError } from '../../src/errors.js'
import type { Logger } from '../../src/log.js'
import type { DeviceRepository } from '../../src/store/devices.js'
import { authorizeTopicPublish } from './acl.js'
import { type ClientIndex, remoteAddressOf } from './client-index.js'
import type { Refusals } from './refusals.js'
import { runHook } from './safe-hooks.js'

export interface UplinkDeps {
  openMode: boolean
  ingest: Pick<Ingest, 'accept'>
  devices: Pick<DeviceRepository, 'get'>
  index: ClientIndex
  refusals: Refusals
  log: Logger
  clock: () => number
}

type Answer = (error?: Error | null) => void

export class Uplink {
  private inflight = 0
  private waiters: (() => void)[] = []
  private closing = false
  private readonly silenced = new WeakSet<Client>()

  constructor(private readonly deps: UplinkDeps) {}

  authorizePublish = (client: Client | null, packet: PublishPacket, callback: Answer): void => {
    runHook<Parameters<Answer>>(
      this.deps.log,
      'authorizePublish',
      callback,
      (err) => [err],
      (answer) => {
        this.decide(client, packet, answer)
      },
    )
  }

  /** Refuses everything from this client from now on, its will included. */
  silence(client: Client): void {
    this.silenced.add(client)
  }

  /** Refuses every publish from now on; those already handed to ingest still complete. */
  close(): void {
    this.closing = true
  }

  /** Resolves true once no publish waits for ingest, or false after `timeoutMs`. */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.inflight === 0) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs)
      this.waiters.push(() => {
        clearTimeout(timer)
        resolve(true)
      })
    })
  }

  get pending(): number {
    return this.inflight
  }

  private decide(client: Client | null, packet: PublishPacket, answer: Answer): void {
    const { deps } = this
    if (this.closing || (client && this.silenced.has(client))) {
      answer(new AppError('SHUTTING_DOWN'))
      return
    }
    const identity = deps.index.identityOf(client)
    const topic = packet.topic
    const verdict = authorizeTopicPublish(identity, topic, deps.openMode)
    if (!verdict.allowed) {
      const context = { deviceId: identity?.deviceId, topic, remoteAddress: remoteAddressOf(client) }
      answer(
        deps.refusals.record('MQTT_TOPIC_DENIED', context, `publish refused: ${verdict.why}; disconnecting`),
      )
      return
    }
    const deviceId = verdict.deviceId
    if (deviceId === null) {
      answer(null)
      return
    }

    let stored: Promise<void>
    try {
      stored = deps.ingest.accept({
        deviceId,
        deviceKind: identity?.kind ?? deps.devices.get(deviceId)?.kind ?? null,
        topic,
        payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
        qos: packet.qos,
        receivedAt: deps.clock(),
      })
    } catch (err) {
      stored = Promise.reject(err)
    }

    if (packet.qos === 0) {
      stored.catch((err: Error) => deps.log.warn({ err, deviceId, topic }, 'QoS 0 message not stored'))
      answer(null)
      return
    }
    this.inflight++
    stored.then(
      () => {
        this.settled()
        answer(null)
      },
      (err: Error) => {
        this.settled()
        deps.log.warn({ err, deviceId, topic }, 'message not stored; disconnecting without acknowledgement')
        answer(isAppError(err) ? err : new AppError('INTERNAL', `ingest failed: ${err.message}`))
      },
    )
  }

  private settled(): void {
    this.inflight--
    if (this.inflight > 0) return
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }
}
