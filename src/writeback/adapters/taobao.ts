/**
 * Taobao TOP shipment confirmation (`taobao.logistics.online.send`): accepts shipment confirmations of Taobao
 * and Tmall orders; tracking itself reaches Taobao through Cainiao LINK. No temperature: the method has no
 * extension parameters. All parameters travel in the form body; the signature covers them all.
 */
import { z } from 'zod'
import { topSign } from '../signing/top.js'
import type { PlatformAdapter } from '../types.js'
import { platformRetry, readReply } from './reply.js'
import { carrierCode, isShipmentOn, shipmentOn } from './select.js'
import { formRequest, gmt8 } from './wire.js'

const PLATFORMS = ['taobao', 'tmall'] as const
export const TOP_METHOD = 'taobao.logistics.online.send'

const replySchema = z.union([
  z.object({
    error_response: z.object({
      code: z.coerce.number(),
      msg: z.string().nullish(),
      sub_code: z.string().nullish(),
      sub_msg: z.string().nullish(),
    }),
  }),
  z.object({ logistics_online_send_response: z.object({ shipping: z.object({ is_success: z.boolean() }) }) }),
])

/** TOP code 7 = App Call Limited; its sub_msg says "This ban will last for N more seconds". */
function banSeconds(subMsg: string | null | undefined): number | undefined {
  const match = /(\d+) more seconds?/.exec(subMsg ?? '')
  return match ? Number(match[1]) * 1000 : undefined
}

export const taobaoAdapter: PlatformAdapter<'taobao'> = {
  kind: 'taobao',

  accepts: (event) => isShipmentOn(event, PLATFORMS),

  buildRequest(event, target, now) {
    const shipment = shipmentOn(event, 'taobao', PLATFORMS)
    const { appKey, appSecret, session, signMethod } = target.credentials
    const params: Record<string, string> = {
      method: TOP_METHOD,
      app_key: appKey,
      session,
      timestamp: gmt8(now),
      format: 'json',
      v: '2.0',
      sign_method: signMethod,
      tid: shipment.order.orderId,
      out_sid: shipment.waybill,
      company_code: carrierCode(target, shipment.carrier),
    }
    const subTids = shipment.split?.subOrderIds ?? []
    if (subTids.length > 0) {
      params.is_split = '1'
      params.sub_tid = subTids.join(',')
    }
    params.sign = topSign(params, appSecret, signMethod)
    return formRequest(target.endpoint, params)
  },

  /**
   * Errors arrive as HTTP 200 `error_response`. Retriable: code 7 (call limit) and `isp.*` sub-codes (the
   * platform's own failures); everything else (`isv.*`, 25 invalid signature, 27 invalid session…) is permanent.
   */
  parseReply(reply, now) {
    const read = readReply(reply, now, replySchema)
    if (!read.ok) return read.outcome
    const value = read.value
    if ('logistics_online_send_response' in value) {
      return value.logistics_online_send_response.shipping.is_success
        ? { result: 'delivered' }
        : { result: 'permanent', reason: 'TOP: is_success false' }
    }
    const err = value.error_response
    const reason = `TOP ${err.code} ${err.msg ?? ''} ${err.sub_code ?? ''} ${err.sub_msg ?? ''}`
      .replace(/\s+/g, ' ')
      .trim()
    if (err.code === 7) {
      const wait = banSeconds(err.sub_msg)
      return wait === undefined
        ? platformRetry(reply, now, reason)
        : { result: 'retry', reason, retryAfterMs: wait }
    }
    if (err.sub_code?.startsWith('isp.')) return platformRetry(reply, now, reason)
    return { result: 'permanent', reason }
  },
}
