/**
 * Douyin shop open platform signing (specs/platforms.md, "Douyin"): `param_json` is compact JSON with keys
 * sorted recursively; the sign string is secret + "app_key" + app_key + "method" + method + "param_json" +
 * param_json + "timestamp" + timestamp + "v" + v + secret, and sign = lowercase hex HMAC-SHA256 keyed by the
 * secret. The platform's own callbacks carry `event-sign` = lowercase hex MD5(app_key + body + app_secret).
 */
import { createHash, createHmac } from 'node:crypto'

/** Compact JSON with object keys sorted at every depth (array order kept; undefined members dropped). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>
    const members = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    return `{${members.join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export interface DouyinSignInput {
  appKey: string
  method: string
  paramJson: string
  timestamp: string
  v: string
}

export function douyinSign(input: DouyinSignInput, secret: string): string {
  const s =
    secret +
    `app_key${input.appKey}method${input.method}param_json${input.paramJson}` +
    `timestamp${input.timestamp}v${input.v}` +
    secret
  return createHmac('sha256', secret).update(s, 'utf8').digest('hex')
}

/** The `event-sign` header of Douyin's own message pushes. */
export function douyinEventSign(appKey: string, body: string, appSecret: string): string {
  return createHash('md5')
    .update(appKey + body + appSecret, 'utf8')
    .digest('hex')
}
