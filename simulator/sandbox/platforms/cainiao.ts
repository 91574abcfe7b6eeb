/**
 * Cainiao LINK receiver: `POST /cainiao`, form fields logistic_provider_id, msg_type, logistics_interface,
 * data_digest (+ optional to_code, msg_id). Replies `{ success, errorCode, errorMsg }` with HTTP 200: S02 bad
 * digest (spec), S07 system error (spec, retriable), S01 missing or invalid parameters (inferred). LINK has no
 * timestamp parameter, so there is no time window to check. The trace payload is checked for the fields every
 * trace message needs (inferred): mailNo, cpCode, action, actionTime.
 */
import { z } from 'zod'
import type { PlatformHandler, Verdict } from '../types.js'
import { checkDigest } from '../verify/cainiao.js'
import { parseChinaTime } from '../verify/china-time.js'
import { firstMissing, formParams, json, parseJson } from './common.js'

const payloadSchema = z.object({
  mailNo: z.string().min(1),
  cpCode: z.string().min(1),
  action: z.string().min(1),
  actionTime: z.string().refine((t) => parseChinaTime(t) !== null, 'yyyy-MM-dd HH:mm:ss'),
})

const answer = (success: boolean, errorCode = '', errorMsg = '') =>
  json(200, { success, errorCode, errorMsg })

export const cainiaoPlatform: PlatformHandler<'cainiao'> = {
  name: 'cainiao',

  handle(req, credentials, ctx) {
    const refuse = (code: string, msg: string, extra: Partial<Verdict> = {}): Verdict => ({
      answer: answer(false, code, msg),
      accepted: false,
      reason: `${code} ${msg}`,
      ...extra,
    })
    const form = formParams(req)
    if (!form) return refuse('S01', 'content type must be application/x-www-form-urlencoded')
    const missing = firstMissing(form, [
      'logistic_provider_id',
      'msg_type',
      'logistics_interface',
      'data_digest',
    ])
    const content = parseJson(form.logistics_interface ?? '')
    const payload = content.ok ? payloadSchema.safeParse(content.value) : undefined
    const seen = { waybill: payload?.success ? payload.data.mailNo : undefined, eventId: form.msg_id }
    if (missing) return refuse('S01', `missing ${missing}`, seen)
    // An unknown partner has no key to check against: the same answer as a wrong digest.
    const known = form.logistic_provider_id === credentials.logisticProviderId
    if (
      ctx.badSignature ||
      !known ||
      !checkDigest(form.logistics_interface as string, form.data_digest as string, credentials.secretKey)
    ) {
      return refuse('S02', 'data_digest verification failed', seen)
    }
    if (!payload?.success) {
      return refuse(
        'S01',
        `invalid logistics_interface: ${payload?.error.issues[0]?.path.join('.') ?? 'not JSON'}`,
        seen,
      )
    }
    return { answer: answer(true), accepted: true, content: content.ok ? content.value : undefined, ...seen }
  },

  systemError: () => answer(false, 'S07', 'system error'),
  rateLimited: () => json(429, { success: false, errorCode: 'S07', errorMsg: 'flow control' }),
}
