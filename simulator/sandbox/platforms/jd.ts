/**
 * JD router: `POST /jd/routerjson`, form parameters method, access_token, app_key, timestamp (`yyyy-MM-dd
 * HH:mm:ss` GMT+8, ±10 min — window inferred), v=2.0, sign and `360buy_param_json`. Errors are HTTP 200
 * `{ error_response: { code, zh_desc, en_desc } }`; codes (inferred): 14 missing parameter, 13 invalid
 * parameter, 18 invalid app_key or access_token, 19 invalid signature, 21 invalid timestamp, 66 platform busy
 * (retriable).
 */
import { z } from 'zod'
import type { PlatformHandler, Verdict } from '../types.js'
import { parseChinaTime, withinWindow } from '../verify/china-time.js'
import { checkJdSign } from '../verify/jd.js'
import { firstMissing, formParams, json, parseJson } from './common.js'

const METHOD = 'jingdong.pop.order.shipment'
const WINDOW_MS = 10 * 60_000
const businessSchema = z.object({
  orderId: z.union([z.string().min(1), z.number()]),
  logiCoprId: z.union([z.string().min(1), z.number()]),
  logiNo: z.string().min(1),
})

const error = (code: string, zh: string, en: string) =>
  json(200, { error_response: { code, zh_desc: zh, en_desc: en } })

export const jdPlatform: PlatformHandler<'jd'> = {
  name: 'jd',

  handle(req, credentials, ctx) {
    const params = formParams(req)
    const parsed = parseJson(params?.['360buy_param_json'] ?? '')
    const business = parsed.ok ? businessSchema.safeParse(parsed.value) : undefined
    const seen = business?.success
      ? { waybill: business.data.logiNo, orderId: String(business.data.orderId) }
      : {}
    const refuse = (code: string, zh: string, en: string): Verdict => ({
      answer: error(code, zh, en),
      accepted: false,
      reason: `${code} ${en}`,
      ...seen,
    })
    if (!params) return refuse('13', '参数错误', 'content-type must be application/x-www-form-urlencoded')
    const missing = firstMissing(params, [
      'method',
      'access_token',
      'app_key',
      'timestamp',
      'v',
      'sign',
      '360buy_param_json',
    ])
    if (missing) return refuse('14', '缺少参数', `missing ${missing}`)
    if (params.method !== METHOD) return refuse('13', '参数错误', `unknown method ${params.method}`)
    if (params.v !== '2.0') return refuse('13', '参数错误', 'v must be 2.0')
    if (params.app_key !== credentials.appKey) return refuse('18', 'app_key 无效', 'invalid app_key')
    const stamp = parseChinaTime(params.timestamp as string)
    if (stamp === null || !withinWindow(stamp, ctx.now, WINDOW_MS))
      return refuse('21', '时间戳无效', 'invalid timestamp')
    if (ctx.badSignature || !checkJdSign(params, credentials.appSecret))
      return refuse('19', '签名无效', 'invalid signature')
    if (params.access_token !== credentials.accessToken)
      return refuse('18', 'access_token 无效', 'invalid access_token')
    if (!business?.success) return refuse('13', '参数错误', 'invalid 360buy_param_json')
    return {
      answer: json(200, {
        jingdong_pop_order_shipment_responce: {
          code: '0',
          sopjosshipment_result: {
            success: true,
            errorCode: '',
            chineseErrCode: '成功',
            englishErrCode: 'success',
          },
        },
      }),
      accepted: true,
      content: business.data,
      ...seen,
    }
  },

  systemError: () => error('66', '平台繁忙', 'platform busy, retry later'),
  rateLimited: () => ({ ...error('66', '调用过于频繁', 'call limited'), status: 429 }),
}
