/**
 * A Standard Webhooks receiver: `POST /webhook/:name`. Checks content type, the three webhook headers, the
 * timestamp window (5 min) and the signature, then the body `{ type, id, timestamp, data }` with `id` equal
 * to `webhook-id`. Standard Webhooks defines no error body; the sandbox answers `{ error, message }`.
 */
import { z } from 'zod'
import type { Answer, PlatformHandler, Verdict } from '../types.js'
import { checkWebhook } from '../verify/standard-webhooks.js'
import { isJson, json, parseJson } from './common.js'

const bodySchema = z.object({
  type: z.string().min(1),
  id: z.string().min(1),
  timestamp: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
})

function refuse(status: number, error: string, message: string, extra: Partial<Verdict> = {}): Verdict {
  return {
    answer: json(status, { error, message }),
    accepted: false,
    reason: `${error}: ${message}`,
    ...extra,
  }
}

export const webhookPlatform: PlatformHandler<'webhook'> = {
  name: 'webhook',

  handle(req, credentials, ctx) {
    const id = req.headers['webhook-id']
    const timestamp = req.headers['webhook-timestamp']
    const signature = req.headers['webhook-signature']
    const parsed = parseJson(req.body)
    const data = parsed.ok ? bodySchema.safeParse(parsed.value) : undefined
    const waybill =
      data?.success && typeof data.data.data.waybill === 'string' ? data.data.data.waybill : undefined
    const seen = { eventId: id, waybill }
    if (!isJson(req))
      return refuse(415, 'unsupported_media_type', 'content-type must be application/json', seen)
    if (!id || !timestamp || !signature) {
      return refuse(
        400,
        'missing_headers',
        'webhook-id, webhook-timestamp and webhook-signature are required',
        seen,
      )
    }
    const secrets = ctx.badSignature ? [] : credentials.secrets
    const check = checkWebhook(secrets, { id, timestamp, signature }, req.body, ctx.now)
    if (check === 'malformed')
      return refuse(400, 'invalid_timestamp', 'webhook-timestamp is not unix seconds', seen)
    if (check === 'stale')
      return refuse(401, 'timestamp_out_of_tolerance', 'webhook-timestamp is more than 5 min off', seen)
    if (check === 'bad-signature') return refuse(401, 'invalid_signature', 'no signature matches', seen)
    if (!data?.success)
      return refuse(400, 'invalid_payload', 'body must be JSON { type, id, timestamp, data }', seen)
    if (data.data.id !== id) return refuse(400, 'invalid_payload', 'body id differs from webhook-id', seen)
    return { answer: json(200, { received: true }), accepted: true, content: data.data, ...seen }
  },

  systemError: (): Answer => json(500, { error: 'internal', message: 'receiver failed' }),
  rateLimited: (): Answer => json(429, { error: 'rate_limited', message: 'slow down' }),
}
