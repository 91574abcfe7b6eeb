/**
 * Douyin shop `order.logisticsAdd`: accepts shipment confirmations of Douyin orders. POST to
 * `{endpoint}/order/logisticsAdd` with the common parameters in the query and `param_json` (compact, keys
 * sorted recursively) as the JSON body. A split order is confirmed as a whole with this waybill; the method
 * has no sub-order or extension parameters, so no temperature.
 */
import { z } from 'zod'
import { canonicalJson, douyinSign } from '../signing/douyin.js'
import type { PlatformAdapter } from '../types.js'
import { platformRetry, readReply } from './reply.js'
import { carrierCode, isShipmentOn, shipmentOn } from './select.js'
import { gmt8, JSON_CONTENT_TYPE, USER_AGENT, unixSeconds } from './wire.js'

const PLATFORMS = ['douyin'] as const
export const DOUYIN_METHOD = 'order.logisticsAdd'

/** Legacy `{ err_no, message }` and newer `{ code, msg, sub_code, sub_msg }`; replies often carry both. */
const replySchema = z
  .object({
    err_no: z.coerce.number().optional(),
    message: z.string().nullish(),
    code: z.coerce.number().optional(),
    msg: z.string().nullish(),
    sub_code: z.string().nullish(),
    sub_msg: z.string().nullish(),
  })
  .refine((r) => r.err_no !== undefined || r.code !== undefined, 'err_no or code')

/** Code 20000 = service unavailable (inferred), and `isp.*` sub-codes: the platform's own failures. */
const RETRIABLE_CODE = 20000

export const douyinAdapter: PlatformAdapter<'douyin'> = {
  kind: 'douyin',

  accepts: (event) => isShipmentOn(event, PLATFORMS),

  buildRequest(event, target, now) {
    const shipment = shipmentOn(event, 'douyin', PLATFORMS)
    const { appKey, appSecret, accessToken, timestampFormat } = target.credentials
    const paramJson = canonicalJson({
      order_id: shipment.order.orderId,
      company_code: carrierCode(target, shipment.carrier),
      logistics_code: shipment.waybill,
    })
    const timestamp = timestampFormat === 'unix' ? String(unixSeconds(now)) : gmt8(now)
    const sign = douyinSign({ appKey, method: DOUYIN_METHOD, paramJson, timestamp, v: '2' }, appSecret)
    const query = new URLSearchParams({
      app_key: appKey,
      method: DOUYIN_METHOD,
      access_token: accessToken,
      timestamp,
      v: '2',
      sign_method: 'hmac-sha256',
      sign,
    })
    return {
      method: 'POST',
      url: `${target.endpoint.replace(/\/+$/, '')}/${DOUYIN_METHOD.replaceAll('.', '/')}?${query}`,
      headers: { 'content-type': JSON_CONTENT_TYPE, 'user-agent': USER_AGENT },
      body: paramJson,
    }
  },

  parseReply(reply, now) {
    const read = readReply(reply, now, replySchema)
    if (!read.ok) return read.outcome
    const r = read.value
    const legacyOk = r.err_no === undefined || r.err_no === 0
    const newOk = r.code === undefined || r.code === 10000
    if (legacyOk && newOk) return { result: 'delivered' }
    const code = r.code !== undefined && r.code !== 10000 ? r.code : r.err_no
    const reason = `Douyin ${code} ${r.msg ?? r.message ?? ''} ${r.sub_code ?? ''} ${r.sub_msg ?? ''}`
      .replace(/\s+/g, ' ')
      .trim()
    return code === RETRIABLE_CODE || r.sub_code?.startsWith('isp.')
      ? platformRetry(reply, now, reason)
      : { result: 'permanent', reason }
  },
}
