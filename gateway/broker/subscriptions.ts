/**
 * aedes `authorizeSubscribe` and `authorizeForward`. A filter outside the device's own downlink is granted
 * failure (0x80) in the SUBACK [MQTT-3.9.3-2] and the connection stays up: aedes turns a `null` subscription
 * into 128 (lib/handlers/subscribe.js). The same check runs when a persistent session's subscriptions are
 * restored. Delivery is checked again per message, so a device only ever receives its own downlink.
 */
import type { AedesPublishPacket, Client, Subscription } from 'aedes'
import type { Logger } from '../../src/log.js'
import { authorizeDelivery, authorizeFilter } from './acl.js'
import { type ClientIndex, remoteAddressOf } from './client-index.js'
import type { Refusals } from './refusals.js'
import { runHook } from './safe-hooks.js'

export interface SubscriptionDeps {
  openMode: boolean
  index: ClientIndex
  refusals: Refusals
  log: Logger
}

type Answer = (error: Error | null, subscription?: Subscription | null) => void

export class Subscriptions {
  constructor(private readonly deps: SubscriptionDeps) {}

  authorizeSubscribe = (client: Client, subscription: Subscription, callback: Answer): void => {
    const { deps } = this
    runHook<Parameters<Answer>>(
      deps.log,
      'authorizeSubscribe',
      callback,
      () => [null, null],
      (answer) => {
        const identity = deps.index.identityOf(client)
        if (authorizeFilter(identity, subscription.topic, deps.openMode)) {
          answer(null, subscription)
          return
        }
        const context = {
          deviceId: identity?.deviceId,
          filter: subscription.topic,
          remoteAddress: remoteAddressOf(client),
        }
        deps.refusals.record('MQTT_TOPIC_DENIED', context, 'subscription refused (granted 0x80)')
        answer(null, null)
      },
    )
  }

  authorizeForward = (client: Client, packet: AedesPublishPacket): AedesPublishPacket | null => {
    try {
      return authorizeDelivery(this.deps.index.identityOf(client), packet.topic, this.deps.openMode)
        ? packet
        : null
    } catch (err) {
      this.deps.log.error({ err, hook: 'authorizeForward' }, 'broker hook threw; not delivering')
      return null
    }
  }
}
