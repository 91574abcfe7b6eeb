/**
 * Which device each MQTT connection authenticated as. The identity lives beside the aedes client (a WeakMap,
 * so aedes's object is not extended) and is the only thing the ACL trusts — never the client id, which a
 * device chooses freely. The per-device sets let an admin action cut every connection of one device at once.
 */
import type { Client } from 'aedes'
import type { Identity } from './acl.js'

/** Where a connection comes from, for logs (WebSocket streams get it from their upgrade request). */
export function remoteAddressOf(client: Client | null): string | undefined {
  const conn = client?.conn as { remoteAddress?: string } | undefined
  return conn?.remoteAddress
}

export class ClientIndex {
  private readonly identities = new WeakMap<Client, Identity>()
  private readonly byDevice = new Map<string, Set<Client>>()

  bind(client: Client, identity: Identity): void {
    this.identities.set(client, identity)
    let clients = this.byDevice.get(identity.deviceId)
    if (!clients) {
      clients = new Set()
      this.byDevice.set(identity.deviceId, clients)
    }
    clients.add(client)
  }

  /** The identity of an authenticated client; null for anonymous (open-mode) and not-yet-authenticated ones. */
  identityOf(client: Client | null): Identity | null {
    return client ? (this.identities.get(client) ?? null) : null
  }

  /** Connections (connected or still completing CONNECT) authenticated as `deviceId`. */
  clientsOf(deviceId: string): Client[] {
    return [...(this.byDevice.get(deviceId) ?? [])]
  }

  /** Called when the connection closes. The identity stays readable: aedes publishes the will after close. */
  release(client: Client): void {
    const identity = this.identities.get(client)
    if (!identity) return
    const clients = this.byDevice.get(identity.deviceId)
    clients?.delete(client)
    if (clients?.size === 0) this.byDevice.delete(identity.deviceId)
  }
}
