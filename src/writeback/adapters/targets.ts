/**
 * Writeback targets: where events go and with which credentials. These schemas are the config/API boundary
 * (`/api/v1/platforms`); the types are inferred from them (STYLE rule 7). Secrets are listed in
 * `secretFields` so the API and logs can redact them.
 */
import { z } from 'zod'
import { writebackEventTypes } from '../types.js'

export const targetKinds = ['webhook', 'kdniao', 'cainiao', 'taobao', 'douyin', 'pinduoduo', 'jd'] as const
export type TargetKind = (typeof targetKinds)[number]

const text = z.string().trim().min(1).max(256)

/** Standard Webhooks: `whsec_` + base64 of 24–64 random bytes. */
const webhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'a secret is whsec_ followed by base64')
  .refine((s) => {
    const n = Buffer.from(s.slice('whsec_'.length), 'base64').length
    return n >= 24 && n <= 64
  }, 'a secret decodes to 24–64 bytes')

export const webhookCredentials = z.object({
  /** Every listed secret signs each request (space-separated signatures) so a receiver can rotate keys. */
  secrets: z.array(webhookSecret).min(1).max(5),
})

export const kdniaoCredentials = z.object({ eBusinessId: text, appKey: text })

export const cainiaoCredentials = z.object({
  logisticProviderId: text,
  secretKey: text,
  toCode: text.optional(),
  /** LINK message type for tracking nodes (inferred: no public source names the courier-side trace type). */
  msgType: text.default('LOGISTICS_TRACE_PUSH'),
})

export const taobaoCredentials = z.object({
  appKey: text,
  appSecret: text,
  session: text,
  signMethod: z.enum(['md5', 'hmac', 'hmac-sha256']).default('hmac-sha256'),
})

export const douyinCredentials = z.object({
  appKey: text,
  appSecret: text,
  accessToken: text,
  /** `yyyy-MM-dd HH:mm:ss` GMT+8 as documented; some SDKs send unix seconds, which the platform accepts too. */
  timestampFormat: z.enum(['datetime', 'unix']).default('datetime'),
})

export const pinduoduoCredentials = z.object({ clientId: text, clientSecret: text, accessToken: text })

export const jdCredentials = z.object({ appKey: text, appSecret: text, accessToken: text })

const common = {
  id: text,
  /**
   * Where requests go: the full URL for every kind except Douyin, whose endpoint is the API base to which the
   * method path (`/order/logisticsAdd`) is appended.
   */
  endpoint: z.url({ protocol: /^https?$/ }),
  /** Event types to deliver; absent = every type the adapter accepts. */
  events: z.array(z.enum(writebackEventTypes)).min(1).optional(),
  /** When credentials are per merchant: only events concerning this merchant's orders. */
  merchantId: text.optional(),
  /** The courier's carrier code → this platform's code (Taobao company_code, PDD logistics_id, JD logiCoprId). */
  carrierCodes: z.record(z.string(), text).default({}),
}

export const targetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), credentials: webhookCredentials, ...common }),
  z.object({ kind: z.literal('kdniao'), credentials: kdniaoCredentials, ...common }),
  z.object({ kind: z.literal('cainiao'), credentials: cainiaoCredentials, ...common }),
  z.object({ kind: z.literal('taobao'), credentials: taobaoCredentials, ...common }),
  z.object({ kind: z.literal('douyin'), credentials: douyinCredentials, ...common }),
  z.object({ kind: z.literal('pinduoduo'), credentials: pinduoduoCredentials, ...common }),
  z.object({ kind: z.literal('jd'), credentials: jdCredentials, ...common }),
])

export type Target = z.infer<typeof targetSchema>
export type TargetInput = z.input<typeof targetSchema>
export type TargetOf<K extends TargetKind> = Extract<Target, { kind: K }>

/** Credential fields that are secret: never returned by the API, never logged. */
export const secretFields: Record<TargetKind, readonly string[]> = {
  webhook: ['secrets'],
  kdniao: ['appKey'],
  cainiao: ['secretKey'],
  taobao: ['appSecret', 'session'],
  douyin: ['appSecret', 'accessToken'],
  pinduoduo: ['clientSecret', 'accessToken'],
  jd: ['appSecret', 'accessToken'],
}

/** A copy of the target with every secret credential replaced by `"[redacted]"`. */
export function redactTarget(target: Target): Target {
  const credentials: Record<string, unknown> = { ...target.credentials }
  for (const field of secretFields[target.kind]) {
    if (field in credentials) credentials[field] = '[redacted]'
  }
  return { ...target, credentials } as Target
}
