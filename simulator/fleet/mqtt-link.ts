/**
 * Links over real MQTT 3.1.1 with mqtt.js. Reconnection is the device's decision (reconnectPeriod 0): a device
 * out of coverage must not reconnect behind the scenario's back. In-flight QoS 1 messages of a dropped session are
 * rejected by mqtt.js ("Connection closed"), and the device re-queues them.
 */
import mqtt, { type MqttClient } from 'mqtt'
import type { Link, LinkFactory, WillMessage } from './link.js'

/** Connection settings shared by every device of a run. */
export interface MqttLinkOptions {
  connectTimeoutMs?: number
  keepaliveS?: number
  /** Called with connection errors (bad credentials, broker gone); they also reject `open`/`publish`. */
  onError?: (deviceId: string, error: Error) => void
}

export function mqttLinks(url: string, o: MqttLinkOptions = {}): LinkFactory {
  return (deviceId, secret) => new MqttLink(url, deviceId, secret, o)
}

class MqttLink implements Link {
  private client: MqttClient | null = null

  constructor(
    private readonly url: string,
    private readonly deviceId: string,
    private readonly secret: string,
    private readonly o: MqttLinkOptions,
  ) {}

  get connected(): boolean {
    return this.client?.connected ?? false
  }

  async open(will: WillMessage): Promise<void> {
    if (this.client) await this.client.endAsync(true).catch(() => {})
    const client = await mqtt.connectAsync(this.url, {
      protocolVersion: 4,
      clientId: this.deviceId,
      username: this.deviceId,
      password: this.secret,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: this.o.connectTimeoutMs ?? 10_000,
      keepalive: this.o.keepaliveS ?? 60,
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: true },
    })
    client.on('error', (error) => this.o.onError?.(this.deviceId, error))
    this.client = client
  }

  async publish(topic: string, payload: string, qos: 0 | 1, retain = false): Promise<void> {
    const client = this.client
    if (!client?.connected) throw new Error(`${this.deviceId} is not connected`)
    await client.publishAsync(topic, payload, { qos, retain })
  }

  async drop(): Promise<void> {
    const client = this.client
    this.client = null
    // end(true) destroys the socket without DISCONNECT [MQTT-3.1.2-8]: the broker publishes the will.
    await client?.endAsync(true)
  }

  async close(): Promise<void> {
    const client = this.client
    this.client = null
    await client?.endAsync(false)
  }
}
