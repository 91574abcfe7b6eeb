/**
 * The device topics of the contract: `cc/{deviceId}/{telemetry|scan|status}` up, `cc/{deviceId}/down/#` down.
 * The broker's ACL and the decoders both read topics through this one module.
 */
import type { MessageKind } from '../src/model.js'

export const TOPIC_ROOT = 'cc'
const upKinds: ReadonlySet<string> = new Set<MessageKind>(['telemetry', 'scan', 'status'])

export interface DeviceTopic {
  deviceId: string
  kind: MessageKind
}

/** The device and message kind of an uplink topic, or null when the topic is not one of the contract. */
export function parseUplinkTopic(topic: string): DeviceTopic | null {
  const parts = topic.split('/')
  if (parts.length !== 3 || parts[0] !== TOPIC_ROOT) return null
  const [, deviceId, kind] = parts as [string, string, string]
  if (deviceId.length === 0 || !upKinds.has(kind)) return null
  return { deviceId, kind: kind as MessageKind }
}

/** True when `topic` lies under the device's own prefix `cc/{deviceId}/`. */
export function isOwnTopic(deviceId: string, topic: string): boolean {
  const prefix = `${TOPIC_ROOT}/${deviceId}/`
  return topic.length > prefix.length && topic.startsWith(prefix)
}

/** True when a subscription filter stays within `cc/{deviceId}/down/` (wildcards allowed only below it). */
export function isOwnDownlinkFilter(deviceId: string, filter: string): boolean {
  const prefix = `${TOPIC_ROOT}/${deviceId}/down`
  if (filter === prefix) return true
  return filter.startsWith(`${prefix}/`)
}

export function downlinkTopic(deviceId: string, name: string): string {
  return `${TOPIC_ROOT}/${deviceId}/down/${name}`
}
