/**
 * Pinduoduo router: `POST /pdd/api/router`, form parameters type, client_id, access_token, timestamp (unix
 * seconds, ±10 min), data_type=JSON, version=V1, sign, plus the business parameters. Errors are HTTP 200
 * `{ error_response: { error_code, error_msg, sub_code, sub_msg, request_id } }`; codes (inferred): 10000
 * parameter error (incl. timestamp), 10001 unknown client_id, 10016 sign error, 10019 invalid access_token,
 * 50001 system busy (retriable), 70031 calls too frequent.
 */

import type { PlatformHandler, Verdict } from '../types.js'
import { withinWindow } from '../verify/china-time.js'
import { checkPddSign } from '../verify/pdd.js'
import { firstMissing, formParams, json, requestId } from './common.js'

const METHOD = 'pdd.logistics.online.send'
const WINDOW_MS = 10 * 60_000

function error(code: number, msg: string, subCode = '', subMsg = '') {
  return json(200, {
    error_response: {
      error_code: code,
      error_msg: msg,
      sub_code: subCode,
      sub_msg: subMsg,
      request_id: requestId(),
    },
  })
}

export const pinduoduoPlatform: PlatformHandler<'pinduoduo'> = {
  name: 'pinduoduo',

  handle(req, credentials, ctx) {
    const params = formParams(req)
    const seen = { waybill: params?.tracking_number, orderId: params?.order_sn }
    const refuse = (code: number, msg: string, subCode = '', subMsg = ''): Verdict => ({
      answer: error(code, msg, subCode, subMsg),
      accepted: false,
      reason: `${code} ${msg} ${subCode}`.trim(),
      ...seen,
    })
    if (!params)
      return refuse(10000, '参数错误', 'content-type', 'application/x-www-form-urlencoded required')
    const missing = firstMissing(params, [
      'type',
      'client_id',
      'access_token',
      'timestamp',
      'data_type',
      'version',
      'sign',
    ])
    if (missing) return refuse(10000, '参数错误', `missing:${missing}`, `${missing} is required`)
    if (params.type !== METHOD) return refuse(10000, '参数错误', 'type', `unknown type ${params.type}`)
    if (params.data_type !== 'JSON' || params.version !== 'V1')
      return refuse(10000, '参数错误', 'data_type/version', 'JSON / V1')
    if (params.client_id !== credentials.clientId) return refuse(10001, 'client_id 不存在')
    const stamp = /^\d{9,11}$/.test(params.timestamp as string) ? Number(params.timestamp) * 1000 : null
    if (stamp === null || !withinWindow(stamp, ctx.now, WINDOW_MS)) {
      return refuse(10000, '参数错误', 'timestamp', 'timestamp is malformed or more than 10 min off')
    }
    if (ctx.badSignature || !checkPddSign(params, credentials.clientSecret))
      return refuse(10016, '签名错误', 'sign', 'sign invalid')
    if (params.access_token !== credentials.accessToken) return refuse(10019, 'access_token 无效')
    const business = firstMissing(params, ['order_sn', 'logistics_id', 'tracking_number'])
    if (business) return refuse(10000, '参数错误', `missing:${business}`, `${business} is required`)
    if (!/^\d+$/.test(params.logistics_id as string))
      return refuse(10000, '参数错误', 'logistics_id', 'must be numeric')
    return {
      answer: json(200, { logistics_online_send_response: { is_success: true, request_id: requestId() } }),
      accepted: true,
      content: params,
      ...seen,
    }
  },

  systemError: () => error(50001, '系统繁忙', 'isp.system-busy', 'retry later'),
  rateLimited: () => ({ ...error(70031, '调用过于频繁'), status: 429 }),
}
