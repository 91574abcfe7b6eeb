/**
 * An in-memory stand-in for the broker: every publish is acknowledged at once and recorded, unless the device is
 * muted (its publishes then wait for an ack that never comes, as behind a broken uplink, and fail when the link
 * drops). Used by dry runs and by tests of the device layer and the scenarios.
 */
import type { Link, LinkFactory, WillMessage } from './link.js'

/** A message as the broker received it. */
export interface MemoryMessage {
  deviceId: string
  topic: string
  payload: string
  qos: 0 | 1
  retain: boolean
}

export class MemoryBroker {
  readonly messages: MemoryMessage[] = []
  private readonly muted = new Set<string>()

  links(): LinkFactory {
    return (deviceId) => new MemoryLink(this, deviceId)
  }

  /** From now on, `deviceId`'s publishes are never acknowledged (until unmuted). */
  mute(deviceId: string, on = true): void {
    if (on) this.muted.add(deviceId)
    else this.muted.delete(deviceId)
  }

  isMuted(deviceId: string): boolean {
    return this.muted.has(deviceId)
  }

  /** Payloads published on a topic, parsed. */
  payloads(topic: string): unknown[] {
    return this.messages.filter((m) => m.topic === topic).map((m) => JSON.parse(m.payload) as unknown)
  }
}

class MemoryLink implements Link {
  private will: WillMessage | null = null
  private pending: Array<(e: Error) => void> = []
  connected = false

  constructor(
    private readonly broker: MemoryBroker,
    private readonly deviceId: string,
  ) {}

  async open(will: WillMessage): Promise<void> {
    this.will = will
    this.connected = true
  }

  async publish(topic: string, payload: string, qos: 0 | 1, retain = false): Promise<void> {
    if (!this.connected) throw new Error(`${this.deviceId} is not connected`)
    if (this.broker.isMuted(this.deviceId)) {
      return new Promise((_, reject) => this.pending.push(reject))
    }
    this.broker.messages.push({ deviceId: this.deviceId, topic, payload, qos, retain })
  }

  async drop(): Promise<void> {
    if (!this.connected) return
    this.connected = false
    for (const reject of this.pending.splice(0)) reject(new Error('Connection closed'))
    if (this.will)
      this.broker.messages.push({
        deviceId: this.deviceId,
        topic: this.will.topic,
        payload: this.will.payload,
        qos: 1,
        retain: true,
      })
  }

  async close(): Promise<void> {
    this.connected = false
    for (const reject of this.pending.splice(0)) reject(new Error('Connection closed'))
  }
}
