/**
 * Douyin shop open platform: `POST /douyin/<method with "." as "/">`, common parameters in the query, the body is
 * `param_json`. Checks: path matches `method`, v=2, sign_method=hmac-sha256, timestamp either
 * `yyyy-MM-dd HH:mm:ss` GMT+8 or unix seconds within ±10 min (window inferred), app_key/access_token, the
 * HMAC-SHA256 sign, then that param_json is compact with sorted keys and has the business fields.
 * Replies carry both the legacy and the newer envelope: `{ err_no, message, code, msg, sub_code, sub_msg,
 * data, log_id }`. Codes (inferred): 10000 ok, 20000 isp service error (retriable), 30001 bad app_key or
 * access_token, 30002 bad sign, 40001 missing parameter, 40002 invalid parameter or timestamp.
 */
import { z } from 'zod'
import type { PlatformHandler, Verdict } from '../types.js'
import { parseChinaTime, withinWindow } from '../verify/china-time.js'
import { checkDouyinSign, sortedCompact } from '../verify/douyin.js'
import { firstMissing, isJson, json, parseJson, requestId } from './common.js'

const WINDOW_MS = 10 * 60_000
const PREFIX = '/douyin/'
const businessSchema = {
  'order.logisticsAdd': z.object({
    order_id: z.string().min(1),
    company_code: z.string().min(1),
    logistics_code: z.string().min(1),
  }),
} as const

function envelope(code: number, msg: string, subCode = '', subMsg = '', data: unknown = null) {
  return json(200, {
    err_no: code === 10000 ? 0 : code,
    message: msg,
    code,
    msg,
    sub_code: subCode,
    sub_msg: subMsg,
    data,
    log_id: requestId(),
  })
}

function timestampMs(text: string): number | null {
  return /^\d{9,11}$/.test(text) ? Number(text) * 1000 : parseChinaTime(text)
}

export const douyinPlatform: PlatformHandler<'douyin'> = {
  name: 'douyin',

  handle(req, credentials, ctx) {
    const q = req.query
    const parsed = parseJson(req.body)
    const body =
      parsed.ok && parsed.value && typeof parsed.value === 'object'
        ? (parsed.value as Record<string, unknown>)
        : {}
    const seen = {
      waybill: typeof body.logistics_code === 'string' ? body.logistics_code : undefined,
      orderId: typeof body.order_id === 'string' ? body.order_id : undefined,
    }
    const refuse = (code: number, msg: string, subCode: string, subMsg: string): Verdict => ({
      answer: envelope(code, msg, subCode, subMsg),
      accepted: false,
      reason: `${code} ${subCode} ${subMsg}`,
      ...seen,
    })
    const missing = firstMissing(q, [
      'app_key',
      'method',
      'access_token',
      'timestamp',
      'v',
      'sign',
      'sign_method',
    ])
    if (missing) return refuse(40001, '缺少必选参数', 'isv.missing-parameter', missing)
    const method = q.method as string
    if (req.path !== PREFIX + method.replaceAll('.', '/'))
      return refuse(40002, '非法的参数', 'isv.parameter-invalid', 'path does not match method')
    const schema = businessSchema[method as keyof typeof businessSchema]
    if (!schema) return refuse(40002, '非法的参数', 'isv.method-invalid', method)
    if (q.v !== '2') return refuse(40002, '非法的参数', 'isv.parameter-invalid', 'v must be 2')
    if (q.sign_method !== 'hmac-sha256')
      return refuse(40002, '非法的参数', 'isv.parameter-invalid', 'sign_method')
    const stamp = timestampMs(q.timestamp as string)
    if (stamp === null || !withinWindow(stamp, ctx.now, WINDOW_MS)) {
      return refuse(
        40002,
        '非法的参数',
        'isv.timestamp-invalid',
        'timestamp is malformed or more than 10 min off',
      )
    }
    if (q.app_key !== credentials.appKey) return refuse(30001, '无效的授权', 'isv.app-key-invalid', 'app_key')
    if (q.access_token !== credentials.accessToken)
      return refuse(30001, '无效的授权', 'isv.access-token-invalid', 'access_token')
    if (!isJson(req))
      return refuse(40002, '非法的参数', 'isv.parameter-invalid', 'content-type must be application/json')
    const sign = {
      app_key: q.app_key,
      method,
      timestamp: q.timestamp as string,
      v: q.v,
      sign: q.sign as string,
    }
    if (ctx.badSignature || !checkDouyinSign(sign, req.body, credentials.appSecret)) {
      return refuse(30002, '签名校验失败', 'isv.signature-invalid', 'sign')
    }
    if (!parsed.ok || sortedCompact(parsed.value) !== req.body) {
      return refuse(
        40002,
        '非法的参数',
        'isv.parameter-invalid',
        'param_json must be compact JSON with sorted keys',
      )
    }
    const business = schema.safeParse(parsed.value)
    if (!business.success) {
      return refuse(
        40001,
        '缺少必选参数',
        'isv.missing-parameter',
        business.error.issues[0]?.path.join('.') ?? '?',
      )
    }
    return { answer: envelope(10000, 'success', '', '', {}), accepted: true, content: business.data, ...seen }
  },

  systemError: () => envelope(20000, '服务不可用', 'isp.service-error', 'system busy'),
  rateLimited: () => ({
    ...envelope(20000, '服务不可用', 'isp.frequency-limit', 'too many requests'),
    status: 429,
  }),
}
