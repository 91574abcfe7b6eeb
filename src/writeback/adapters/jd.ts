/**
 * JD `jingdong.pop.order.shipment`: accepts shipment confirmations of JD orders. Form POST to the router with
 * the business parameters as `360buy_param_json`; `logiCoprId` is the target's carrier mapping (JD's numeric
 * carrier id). A split order is confirmed as a whole; no temperature.
 */
import { z } from 'zod'
import { jdSign } from '../signing/jd.js'
import type { PlatformAdapter } from '../types.js'
import { platformRetry, readReply } from './reply.js'
import { carrierCode, isShipmentOn, shipmentOn } from './select.js'
import { formRequest, gmt8 } from './wire.js'

const PLATFORMS = ['jd'] as const
export const JD_METHOD = 'jingdong.pop.order.shipment'

/** JD spells its success envelope `…_responce`. */
const replySchema = z.union([
  z.object({
    error_response: z.object({
      code: z.coerce.string(),
      zh_desc: z.string().nullish(),
      en_desc: z.string().nullish(),
    }),
  }),
  z.object({
    jingdong_pop_order_shipment_responce: z.object({
      code: z.coerce.string().optional(),
      sopjosshipment_result: z.object({
        success: z.boolean(),
        errorCode: z.coerce.string().nullish(),
        chineseErrCode: z.string().nullish(),
        englishErrCode: z.string().nullish(),
      }),
    }),
  }),
])

/** Inferred: 66 = platform busy / backend unavailable. */
const RETRIABLE = new Set(['66'])

export const jdAdapter: PlatformAdapter<'jd'> = {
  kind: 'jd',

  accepts: (event) => isShipmentOn(event, PLATFORMS),

  buildRequest(event, target, now) {
    const shipment = shipmentOn(event, 'jd', PLATFORMS)
    const { appKey, appSecret, accessToken } = target.credentials
    const params: Record<string, string> = {
      method: JD_METHOD,
      access_token: accessToken,
      app_key: appKey,
      timestamp: gmt8(now),
      v: '2.0',
      format: 'json',
      '360buy_param_json': JSON.stringify({
        orderId: shipment.order.orderId,
        logiCoprId: carrierCode(target, shipment.carrier),
        logiNo: shipment.waybill,
      }),
    }
    params.sign = jdSign(params, appSecret)
    return formRequest(target.endpoint, params)
  },

  parseReply(reply, now) {
    const read = readReply(reply, now, replySchema)
    if (!read.ok) return read.outcome
    const value = read.value
    if ('jingdong_pop_order_shipment_responce' in value) {
      const result = value.jingdong_pop_order_shipment_responce.sopjosshipment_result
      return result.success
        ? { result: 'delivered' }
        : {
            result: 'permanent',
            reason:
              `JD shipment refused: ${result.errorCode ?? ''} ${result.chineseErrCode ?? result.englishErrCode ?? ''}`.trim(),
          }
    }
    const err = value.error_response
    const reason = `JD ${err.code} ${err.en_desc ?? ''} ${err.zh_desc ?? ''}`.replace(/\s+/g, ' ').trim()
    return RETRIABLE.has(err.code) ? platformRetry(reply, now, reason) : { result: 'permanent', reason }
  },
}
