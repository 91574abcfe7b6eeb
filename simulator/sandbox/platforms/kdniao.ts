/**
 * Kdniao tracking push receiver: `POST /kdniao`, form fields RequestData, EBusinessID, RequestType=101, DataSign,
 * DataType=2. Checks the sign over the raw RequestData, then the JSON (PushTime within ±10 min — inferred, the
 * push carries no other timestamp — Count, the Data entries and their Traces). Replies (inferred in the spec)
 * `{ EBusinessID, UpdateTime, Success, Reason }` with HTTP 200 either way.
 */
import { z } from 'zod'
import type { Answer, PlatformHandler, Verdict } from '../types.js'
import { formatChinaTime, parseChinaTime, withinWindow } from '../verify/china-time.js'
import { checkDataSign } from '../verify/kdniao.js'
import { firstMissing, formParams, json, parseJson } from './common.js'

const WINDOW_MS = 10 * 60_000
const str = z.string()
const requestDataSchema = z.object({
  EBusinessID: str.min(1),
  PushTime: str,
  Count: z.union([z.number(), str]),
  Data: z
    .array(
      z.object({
        EBusinessID: str.min(1),
        OrderCode: str.optional(),
        ShipperCode: str.min(1),
        LogisticCode: str.min(1),
        Success: z.boolean(),
        Reason: str.optional(),
        State: str.regex(/^[0-4]$/),
        StateEx: str.regex(/^\d{1,3}$/).optional(),
        Location: str.optional(),
        EstimatedDeliveryTime: str.optional(),
        Traces: z.array(
          z.object({
            AcceptTime: str.refine((t) => parseChinaTime(t) !== null, 'yyyy-MM-dd HH:mm:ss'),
            AcceptStation: str.min(1),
            Location: str.optional(),
            Action: str.optional(),
            Remark: str.optional(),
          }),
        ),
      }),
    )
    .min(1),
})

function reply(now: number, eBusinessId: string, success: boolean, reason: string): Answer {
  return json(200, {
    EBusinessID: eBusinessId,
    UpdateTime: formatChinaTime(now),
    Success: success,
    Reason: reason,
  })
}

export const kdniaoPlatform: PlatformHandler<'kdniao'> = {
  name: 'kdniao',

  handle(req, credentials, ctx) {
    const refuse = (reason: string, extra: Partial<Verdict> = {}): Verdict => ({
      answer: reply(ctx.now, credentials.eBusinessId, false, reason),
      accepted: false,
      reason,
      ...extra,
    })
    const form = formParams(req)
    if (!form) return refuse('content type must be application/x-www-form-urlencoded')
    const missing = firstMissing(form, ['RequestData', 'EBusinessID', 'RequestType', 'DataSign'])
    if (missing) return refuse(`missing ${missing}`)
    const requestData = form.RequestData as string
    const parsed = parseJson(requestData)
    const data = parsed.ok ? requestDataSchema.safeParse(parsed.value) : undefined
    const first = data?.success ? data.data.Data[0] : undefined
    const seen = { waybill: first?.LogisticCode, orderId: first?.OrderCode }
    if (form.RequestType !== '101') return refuse(`RequestType ${form.RequestType} is not 101`, seen)
    if (form.DataType !== undefined && form.DataType !== '2') return refuse('DataType must be 2 (JSON)', seen)
    if (form.EBusinessID !== credentials.eBusinessId) return refuse('unknown EBusinessID', seen)
    if (ctx.badSignature || !checkDataSign(requestData, form.DataSign as string, credentials.appKey)) {
      return refuse('DataSign verification failed', seen)
    }
    if (!data?.success)
      return refuse(`invalid RequestData: ${data?.error.issues[0]?.message ?? 'not JSON'}`, seen)
    const pushTime = parseChinaTime(data.data.PushTime)
    if (pushTime === null || !withinWindow(pushTime, ctx.now, WINDOW_MS)) {
      return refuse('PushTime is missing or more than 10 min off', seen)
    }
    if (Number(data.data.Count) !== data.data.Data.length)
      return refuse('Count differs from Data length', seen)
    return {
      answer: reply(ctx.now, credentials.eBusinessId, true, ''),
      accepted: true,
      content: data.data,
      ...seen,
    }
  },

  systemError: (now) =>
    json(500, { EBusinessID: '', UpdateTime: formatChinaTime(now), Success: false, Reason: '系统繁忙' }),
  rateLimited: (now) =>
    json(429, { EBusinessID: '', UpdateTime: formatChinaTime(now), Success: false, Reason: '请求过于频繁' }),
}
