/**
 * Generic webhook (Standard Webhooks). Carries every event type, including temperature trails and excursion
 * notices that no marketplace API has a place for. Body `{ type, id, timestamp, data }` where `data` is the
 * event without its envelope fields; `timestamp` is the event's time, so a retry sends the same bytes, while
 * the `webhook-timestamp` header and the signature are fresh for each attempt. A per-merchant target sees only
 * its merchant's orders of a merged waybill.
 */
import { signatureHeader } from '../signing/standard-webhooks.js'
import type { PlatformAdapter } from '../types.js'
import { httpOutcome } from './reply.js'
import { ordersFor } from './select.js'
import { JSON_CONTENT_TYPE, USER_AGENT, unixSeconds } from './wire.js'

export const webhookAdapter: PlatformAdapter<'webhook'> = {
  kind: 'webhook',

  accepts: () => true,

  buildRequest(event, target, now) {
    const { type, eventId, occurredAt, ...rest } = event
    const data =
      'orders' in rest && target.merchantId !== undefined
        ? { ...rest, orders: ordersFor(rest.orders, target) }
        : rest
    const body = JSON.stringify({ type, id: eventId, timestamp: new Date(occurredAt).toISOString(), data })
    const timestamp = unixSeconds(now)
    return {
      method: 'POST',
      url: target.endpoint,
      headers: {
        'content-type': JSON_CONTENT_TYPE,
        'user-agent': USER_AGENT,
        'webhook-id': eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(target.credentials.secrets, eventId, timestamp, body),
      },
      body,
    }
  },

  /** Any 2xx is success; the body is not read (Standard Webhooks). */
  parseReply(reply, now) {
    return httpOutcome(reply, now) ?? { result: 'delivered' }
  },
}
