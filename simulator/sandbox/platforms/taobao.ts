/**
 * Taobao TOP router: `POST /taobao/router/rest`, parameters in the query and/or the form body. Checks in TOP's
 * order and answers TOP's error codes with HTTP 200 `{ error_response: { code, msg, sub_code, sub_msg } }`:
 * 21/22 method, 28/29 app key, 30/31 timestamp (GMT+8, ±10 min), 32/34 version, 24/25 signature,
 * 26/27 session, 40 missing business argument. Serves `taobao.logistics.online.send` only.
 */

import type { PlatformHandler, Verdict } from '../types.js'
import { formatChinaTime, parseChinaTime, withinWindow } from '../verify/china-time.js'
import { checkTopSign, TOP_METHODS } from '../verify/top.js'
import { firstMissing, formParams, json, requestId } from './common.js'

const METHOD = 'taobao.logistics.online.send'
const WINDOW_MS = 10 * 60_000

function error(code: number, msg: string, sub?: { code: string; msg: string }) {
  return json(200, {
    error_response: {
      code,
      msg,
      ...(sub ? { sub_code: sub.code, sub_msg: sub.msg } : {}),
      request_id: requestId(),
    },
  })
}

export const taobaoPlatform: PlatformHandler<'taobao'> = {
  name: 'taobao',

  handle(req, credentials, ctx) {
    const params = formParams(req) ?? req.query
    const seen = { waybill: params.out_sid, orderId: params.tid }
    const refuse = (code: number, msg: string, sub?: { code: string; msg: string }): Verdict => ({
      answer: error(code, msg, sub),
      accepted: false,
      reason: `${code} ${msg}${sub ? ` ${sub.code}` : ''}`,
      ...seen,
    })
    if (!params.method) return refuse(21, 'Missing Method')
    if (params.method !== METHOD) return refuse(22, 'Invalid Method')
    if (!params.app_key) return refuse(28, 'Missing App Key')
    if (params.app_key !== credentials.appKey) return refuse(29, 'Invalid App Key')
    if (!params.timestamp) return refuse(30, 'Missing Timestamp')
    const stamp = parseChinaTime(params.timestamp)
    if (stamp === null || !withinWindow(stamp, ctx.now, WINDOW_MS)) {
      return refuse(31, 'Invalid Timestamp', {
        code: 'isv.invalid-timestamp',
        msg: `server time ${formatChinaTime(ctx.now)}`,
      })
    }
    if (!params.v) return refuse(32, 'Missing Version')
    if (params.v !== '2.0') return refuse(34, 'Unsupported Version')
    if (!params.sign) return refuse(24, 'Missing Signature')
    const signMethod = params.sign_method ?? 'md5'
    if (!(TOP_METHODS as readonly string[]).includes(signMethod))
      return refuse(25, 'Invalid Signature', { code: 'isv.invalid-sign-method', msg: signMethod })
    if (ctx.badSignature || !checkTopSign(params, credentials.appSecret))
      return refuse(25, 'Invalid Signature')
    if (!params.session) return refuse(26, 'Missing Session')
    if (params.session !== credentials.session) return refuse(27, 'Invalid Session')
    if (params.format !== undefined && params.format !== 'json') return refuse(23, 'Invalid Format')
    const missing = firstMissing(params, ['tid', 'company_code', 'out_sid'])
    if (missing)
      return refuse(40, 'Missing Required Arguments', {
        code: `isv.missing-parameter:${missing}`,
        msg: missing,
      })
    if (!/^\d+$/.test(params.tid as string))
      return refuse(41, 'Invalid Arguments', { code: 'isv.invalid-parameter:tid', msg: 'tid' })
    return {
      answer: json(200, {
        logistics_online_send_response: { shipping: { is_success: true }, request_id: requestId() },
      }),
      accepted: true,
      content: params,
      ...seen,
    }
  },

  systemError: () =>
    error(15, 'Remote service error', { code: 'isp.remote-service-error', msg: 'system busy' }),
  rateLimited: () =>
    json(429, {
      error_response: {
        code: 7,
        msg: 'App Call Limited',
        sub_code: 'accesscontrol.limited-by-app-access-count',
        sub_msg: 'This ban will last for 1 more seconds',
      },
    }),
}
