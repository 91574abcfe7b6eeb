/**
 * The topic ACL of the device contract, as pure functions over an identity and a topic. A device publishes only
 * under `cc/{its id}/` and never into its own downlink (that subtree is written by the gateway); it subscribes
 * only to `cc/{its id}/down/#` or below; it receives only its own downlink. Open mode (development) lifts the
 * rules for anonymous clients but still keeps `$` topics to the broker.
 */
import { isOwnDownlinkFilter, isOwnTopic, TOPIC_ROOT } from '../../ingest/topics.js'
import type { DeviceKind } from '../../src/model.js'
import { DEVICE_ID_PATTERN } from '../../src/store/devices.js'

/** Who an authenticated connection is. Anonymous open-mode clients have none. */
export interface Identity {
  deviceId: string
  kind: DeviceKind
}

/** Allowed publishes name the device whose data it is (null: not device data, routed only). */
export type PublishVerdict = { allowed: true; deviceId: string | null } | { allowed: false; why: string }

export function authorizeTopicPublish(
  identity: Identity | null,
  topic: string,
  openMode: boolean,
): PublishVerdict {
  // [MQTT-4.7.2-1] `$` topics belong to the server; aedes's own default refuses `$SYS/` for the same reason
  if (topic.startsWith('$')) {
    return { allowed: false, why: 'topics starting with $ are reserved to the broker' }
  }
  // [MQTT-3.3.2-2] a topic name has no wildcards; aedes checks PUBLISH, this also covers the will topic
  if (topic.length === 0 || topic.includes('+') || topic.includes('#')) {
    return { allowed: false, why: 'not a topic name' }
  }
  if (identity) {
    const { deviceId } = identity
    if (!isOwnTopic(deviceId, topic)) return { allowed: false, why: `outside ${TOPIC_ROOT}/${deviceId}/` }
    if (isOwnDownlinkFilter(deviceId, topic)) {
      return { allowed: false, why: 'the downlink is written by the gateway only' }
    }
    return { allowed: true, deviceId }
  }
  if (!openMode) return { allowed: false, why: 'not authenticated' }
  return { allowed: true, deviceId: deviceOfTopic(topic) }
}

export function authorizeFilter(identity: Identity | null, filter: string, openMode: boolean): boolean {
  if (identity) return isOwnDownlinkFilter(identity.deviceId, filter)
  return openMode
}

/** Whether a routed message may be written to this subscriber: a device gets its own downlink only. */
export function authorizeDelivery(identity: Identity | null, topic: string, openMode: boolean): boolean {
  if (identity) return isOwnDownlinkFilter(identity.deviceId, topic)
  return openMode
}

/** `cc/{deviceId}/…` → deviceId when it is a well-formed device id; open mode takes identity from the topic. */
export function deviceOfTopic(topic: string): string | null {
  const prefix = `${TOPIC_ROOT}/`
  if (!topic.startsWith(prefix)) return null
  const end = topic.indexOf('/', prefix.length)
  if (end < 0 || end === topic.length - 1) return null
  const deviceId = topic.slice(prefix.length, end)
  return DEVICE_ID_PATTERN.test(deviceId) ? deviceId : null
}
