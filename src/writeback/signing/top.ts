/**
 * Taobao TOP request signature (specs/platforms.md, "Taobao TOP"): sort every parameter except `sign` by key
 * (ASCII), skip empty values, concatenate key+value, append the body if any; then
 * `md5`: uppercase hex MD5(secret + s + secret), `hmac`: uppercase hex HMAC-MD5(secret, s),
 * `hmac-sha256`: uppercase hex HMAC-SHA256(secret, s).
 */
import { createHash, createHmac } from 'node:crypto'

export type TopSignMethod = 'md5' | 'hmac' | 'hmac-sha256'

/** The string that is hashed. */
export function topSignString(params: Record<string, string | undefined>, body = ''): string {
  const keys = Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort()
  return keys.map((k) => k + params[k]).join('') + body
}

export function topSign(
  params: Record<string, string | undefined>,
  secret: string,
  method: TopSignMethod,
  body = '',
): string {
  const s = topSignString(params, body)
  const hex =
    method === 'md5'
      ? createHash('md5')
          .update(secret + s + secret, 'utf8')
          .digest('hex')
      : createHmac(method === 'hmac' ? 'md5' : 'sha256', secret)
          .update(s, 'utf8')
          .digest('hex')
  return hex.toUpperCase()
}
