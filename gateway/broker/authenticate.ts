/**
 * Who may connect. `preConnect` keeps the CONNECT packet; `authenticate` then decides, in order: the CONNECT
 * rules (CONNACK 2), the device's identity — a client certificate whose CN is an enabled device when a CA is
 * configured, else user name = device id and password = secret checked with scrypt off the event loop
 * (CONNACK 4 for unknown, disabled or wrong) — and last the will topic, which obeys the publish ACL
 * (CONNACK 5). Open mode skips identity: anonymous clients are accepted.
 *
 * An accepted client's id is prefixed with its device id (`{deviceId}/{clientId}`; device ids hold no `/`), so
 * two devices choosing the same client id do not take over each other's session [MQTT-3.1.4-2] or inherit
 * each other's persistent subscriptions and queued downlink.
 */
import { TLSSocket } from 'node:tls'
import type { Client, ConnectPacket } from 'aedes'
import type { Config } from '../../src/config.js'
import type { Logger } from '../../src/log.js'
import type { DeviceRepository } from '../../src/store/devices.js'
import { authorizeTopicPublish, type Identity } from './acl.js'
import { type ClientIndex, remoteAddressOf } from './client-index.js'
import { connectRefusal } from './connect-rules.js'
import type { CredentialCache } from './credential-cache.js'
import type { ConnackError, Refusals } from './refusals.js'
import { runHook } from './safe-hooks.js'

export interface AuthenticatorDeps {
  config: Config['mqtt']
  devices: Pick<DeviceRepository, 'credentials'>
  index: ClientIndex
  cache: CredentialCache
  refusals: Refusals
  log: Logger
}

type Decision = { identity: Identity | null } | { refused: ConnackError }

export class Authenticator {
  private readonly connects = new WeakMap<Client, ConnectPacket>()

  constructor(private readonly deps: AuthenticatorDeps) {}

  /** aedes `preConnect`: only remembers the packet; refusals need a CONNACK, which `authenticate` can send. */
  preConnect = (
    client: Client,
    packet: ConnectPacket,
    callback: (error: Error | null, ok: boolean) => void,
  ): void => {
    this.connects.set(client, packet)
    callback(null, true)
  }

  /** aedes `authenticate`: answers (null, true) or an error whose `returnCode` aedes sends in the CONNACK. */
  authenticate = (
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    callback: (error: ConnackError | null, ok: boolean | null) => void,
  ): void => {
    const fail = (err: Error): [ConnackError, false] => [
      Object.assign(err, { returnCode: 3 as const }) as ConnackError,
      false,
    ]
    runHook<[ConnackError | null, boolean | null]>(
      this.deps.log,
      'authenticate',
      callback,
      fail,
      (answer) => {
        this.decide(client, username, password).then(
          (decision) => {
            if ('refused' in decision) {
              answer(decision.refused, false)
              return
            }
            if (decision.identity) this.accept(client, decision.identity)
            answer(null, true)
          },
          (err: Error) => {
            this.deps.log.error({ err, deviceId: username }, 'authentication failed unexpectedly')
            answer(...fail(err))
          },
        )
      },
    )
  }

  private async decide(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<Decision> {
    const { config, refusals } = this.deps
    const packet = this.connects.get(client)
    this.connects.delete(client)
    const remoteAddress = remoteAddressOf(client)
    const context = { deviceId: username, clientId: packet?.clientId, remoteAddress }

    const rule = packet ? connectRefusal(packet, config) : null
    if (rule) {
      const refused = refusals.connack(
        'MQTT_PROTOCOL',
        rule.returnCode,
        context,
        `connect refused: ${rule.why}`,
      )
      return { refused }
    }

    let identity: Identity | null = null
    if (!config.openMode) {
      const found = await this.identify(client, username, password)
      if ('why' in found) {
        return {
          refused: refusals.connack('MQTT_BAD_CREDENTIALS', 4, context, `connect refused: ${found.why}`),
        }
      }
      identity = found
    }

    const will = packet?.will
    if (will) {
      const verdict = authorizeTopicPublish(identity, will.topic, config.openMode)
      if (!verdict.allowed) {
        const message = `connect refused: will topic ${JSON.stringify(will.topic)} ${verdict.why}`
        return {
          refused: refusals.connack('MQTT_TOPIC_DENIED', 5, { ...context, topic: will.topic }, message),
        }
      }
    }
    return { identity }
  }

  /** The device a connection proves to be, or why it proves nothing. */
  private async identify(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
  ): Promise<Identity | { why: string }> {
    const { config, devices, cache } = this.deps
    const certified = config.tlsCaFile ? certificateName(client.conn) : null
    if (certified !== null) {
      if (username !== undefined && username !== '' && username !== certified) {
        return { why: 'user name differs from the certificate CN' }
      }
      const found = devices.credentials(certified)
      if (found?.device.enabled) return { deviceId: found.device.id, kind: found.device.kind }
      if (config.tlsRequireClientCert) return { why: 'certificate CN is not an enabled device' }
    } else if (config.tlsCaFile && config.tlsRequireClientCert && client.conn instanceof TLSSocket) {
      return { why: 'no valid client certificate' }
    }

    if (!username || !password) return { why: 'no credentials' }
    const found = devices.credentials(username)
    if (!found) return { why: 'unknown device' }
    if (!found.device.enabled) return { why: 'device disabled' }
    if (!(await cache.verify(username, password, found.secretHash))) return { why: 'wrong secret' }
    // The device may have been disabled or its secret rotated while scrypt ran.
    const now = devices.credentials(username)
    if (!now?.device.enabled || now.secretHash !== found.secretHash) {
      return { why: 'device changed during authentication' }
    }
    return { deviceId: now.device.id, kind: now.device.kind }
  }

  private accept(client: Client, identity: Identity): void {
    // Closed while scrypt ran: aedes drops the answer, and the index must not keep the client.
    if (client.closed) return
    const mutable = client as { id: string }
    mutable.id = `${identity.deviceId}/${client.id}`
    this.deps.index.bind(client, identity)
  }
}

/** The CN of a client certificate verified against the configured CA, or null. */
function certificateName(conn: unknown): string | null {
  if (!(conn instanceof TLSSocket) || !conn.authorized) return null
  const cn = conn.getPeerCertificate()?.subject?.CN
  const name = Array.isArray(cn) ? cn[0] : cn
  return typeof name === 'string' && name.length > 0 ? name : null
}
