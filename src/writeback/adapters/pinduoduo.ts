/**
 * Pinduoduo `pdd.logistics.online.send`: accepts shipment confirmations of Pinduoduo orders. Form POST to the
 * router; `logistics_id` is the target's carrier mapping (PDD's numeric company id). The optional
 * `redelivery_type` is not sent (first delivery). A split order is confirmed as a whole; no temperature.
 */
import { z } from 'zod'
import { pddSign } from '../signing/pdd.js'
import type { PlatformAdapter } from '../types.js'
import { platformRetry, readReply } from './reply.js'
import { carrierCode, isShipmentOn, shipmentOn } from './select.js'
import { formRequest, unixSeconds } from './wire.js'

const PLATFORMS = ['pinduoduo'] as const
export const PDD_METHOD = 'pdd.logistics.online.send'

const replySchema = z.union([
  z.object({
    error_response: z.object({
      error_code: z.coerce.number(),
      error_msg: z.string().nullish(),
      sub_code: z.string().nullish(),
      sub_msg: z.string().nullish(),
    }),
  }),
  z.object({ logistics_online_send_response: z.object({ is_success: z.boolean() }) }),
])

/** Inferred: 70031 = calls too frequent; 50000–50099 = platform system errors. */
const retriable = (code: number): boolean => code === 70031 || (code >= 50000 && code < 50100)

export const pinduoduoAdapter: PlatformAdapter<'pinduoduo'> = {
  kind: 'pinduoduo',

  accepts: (event) => isShipmentOn(event, PLATFORMS),

  buildRequest(event, target, now) {
    const shipment = shipmentOn(event, 'pinduoduo', PLATFORMS)
    const { clientId, clientSecret, accessToken } = target.credentials
    const params: Record<string, string> = {
      type: PDD_METHOD,
      client_id: clientId,
      access_token: accessToken,
      timestamp: String(unixSeconds(now)),
      data_type: 'JSON',
      version: 'V1',
      order_sn: shipment.order.orderId,
      logistics_id: carrierCode(target, shipment.carrier),
      tracking_number: shipment.waybill,
    }
    params.sign = pddSign(params, clientSecret)
    return formRequest(target.endpoint, params)
  },

  parseReply(reply, now) {
    const read = readReply(reply, now, replySchema)
    if (!read.ok) return read.outcome
    const value = read.value
    if ('logistics_online_send_response' in value) {
      return value.logistics_online_send_response.is_success
        ? { result: 'delivered' }
        : { result: 'permanent', reason: 'PDD: is_success false' }
    }
    const err = value.error_response
    const reason = `PDD ${err.error_code} ${err.error_msg ?? ''} ${err.sub_code ?? ''} ${err.sub_msg ?? ''}`
      .replace(/\s+/g, ' ')
      .trim()
    return retriable(err.error_code) ? platformRetry(reply, now, reason) : { result: 'permanent', reason }
  },
}
