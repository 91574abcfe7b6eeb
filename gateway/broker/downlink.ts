/**
 * Gateway → device messages on `cc/{deviceId}/down/{name}`, published through aedes at QoS 1 so that a device
 * with a persistent session gets them after a reconnect. Payloads are JSON unless already bytes; `null` with
 * `retain` clears the retained message [MQTT-3.3.1-10].
 */
import type { Aedes } from 'aedes'
import { downlinkTopic } from '../../ingest/topics.js'
import { AppError } from '../../src/errors.js'
import type { Metrics } from '../../src/metrics.js'
import { DEVICE_ID_PATTERN } from '../../src/store/devices.js'

export function encodeDownlink(payload: unknown, retain: boolean): Buffer {
  if (payload === null && retain) return Buffer.alloc(0)
  if (Buffer.isBuffer(payload)) return payload
  if (payload instanceof Uint8Array)
    return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  return Buffer.from(JSON.stringify(payload ?? null), 'utf8')
}

/** Checks the topic a downlink would use: a well-formed device id and a name of plain levels. */
export function downlinkTopicFor(deviceId: string, name: string, maxTopicLevels: number): string {
  if (!DEVICE_ID_PATTERN.test(deviceId))
    throw new AppError('VALIDATION_FAILED', `bad device id ${JSON.stringify(deviceId)}`)
  // [MQTT-4.7.1-1] no wildcards in a topic name; [MQTT-4.7.3-2] no U+0000
  if (name.length === 0 || /[+#\0]/.test(name) || name.split('/').some((level) => level.length === 0)) {
    throw new AppError('VALIDATION_FAILED', `bad downlink name ${JSON.stringify(name)}`)
  }
  const topic = downlinkTopic(deviceId, name)
  if (topic.split('/').length > maxTopicLevels) {
    throw new AppError('VALIDATION_FAILED', `downlink topic ${topic} has more than ${maxTopicLevels} levels`)
  }
  return topic
}

/**
 * Resolves once aedes has routed the message: written to every subscribed connection, queued for persistent
 * sessions, and stored when retained. A subscriber that does not drain holds it up to the drain timeout.
 */
export function publishDownlink(
  aedes: Aedes,
  metrics: Metrics,
  topic: string,
  name: string,
  body: Buffer,
  retain: boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    aedes.publish({ cmd: 'publish', topic, payload: body, qos: 1, retain, dup: false }, (err) => {
      if (err) return reject(err)
      metrics.messagesOut.inc({ kind: name.split('/')[0] })
      resolve()
    })
  })
}
