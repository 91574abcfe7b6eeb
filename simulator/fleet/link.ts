/**
 * The network as a device sees it: one MQTT session at a time. mqtt-link.ts speaks real MQTT (mqtt.js);
 * memory-link.ts keeps messages in memory for dry runs and tests of the device layer.
 */

/** The Last Will the broker publishes when the session ends without DISCONNECT. */
export interface WillMessage {
  topic: string
  payload: string
}

/** One device's connection. `publish` resolves when the message is acknowledged (PUBACK at QoS 1). */
export interface Link {
  readonly connected: boolean
  open(will: WillMessage): Promise<void>
  publish(topic: string, payload: string, qos: 0 | 1, retain?: boolean): Promise<void>
  /** Loses the connection without DISCONNECT (signal lost), so the broker publishes the will. */
  drop(): Promise<void>
  /** A clean DISCONNECT; no will. */
  close(): Promise<void>
}

/** Makes a device's link from its credentials (username = device id, password = secret). */
export type LinkFactory = (deviceId: string, secret: string) => Link
