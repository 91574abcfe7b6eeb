/**
 * Taobao TOP: every parameter but `sign`, empty values skipped, sorted by key, `key+value` concatenated; md5 wraps
 * the string in the secret, hmac / hmac-sha256 key the MAC with it; uppercase hex (specs/platforms.md).
 */
import { hmac, md5, sameText } from './digest.js'

export const TOP_METHODS = ['md5', 'hmac', 'hmac-sha256'] as const

export function expectedTopSign(
  params: Record<string, string>,
  secret: string,
  signMethod: string,
): string | null {
  let joined = ''
  for (const key of Object.keys(params).sort()) {
    const value = params[key]
    if (key === 'sign' || value === undefined || value === '') continue
    joined += key + value
  }
  switch (signMethod) {
    case 'md5':
      return md5(secret + joined + secret)
        .toString('hex')
        .toUpperCase()
    case 'hmac':
      return hmac('md5', secret, joined).toString('hex').toUpperCase()
    case 'hmac-sha256':
      return hmac('sha256', secret, joined).toString('hex').toUpperCase()
    default:
      return null
  }
}

export function checkTopSign(params: Record<string, string>, secret: string): boolean {
  const expected = expectedTopSign(params, secret, params.sign_method ?? 'md5')
  return expected !== null && sameText(params.sign ?? '', expected)
}
