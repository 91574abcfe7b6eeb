/**
 * Douyin: `param_json` must be compact JSON with keys sorted at every depth; the signed text is
 * secret + app_key… + method… + param_json… + timestamp… + v… + secret, MAC'd with HMAC-SHA256 under the secret,
 * lowercase hex (specs/platforms.md).
 */
import { hmac, sameText } from './digest.js'

/** Re-serialises a parsed value the way the platform expects it: no whitespace, keys sorted recursively. */
export function sortedCompact(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedCompact).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedCompact(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function expectedDouyinSign(
  q: { app_key: string; method: string; timestamp: string; v: string },
  paramJson: string,
  secret: string,
): string {
  const text = [
    secret,
    'app_key',
    q.app_key,
    'method',
    q.method,
    'param_json',
    paramJson,
    'timestamp',
    q.timestamp,
    'v',
    q.v,
    secret,
  ].join('')
  return hmac('sha256', secret, text).toString('hex')
}

export function checkDouyinSign(
  q: { app_key: string; method: string; timestamp: string; v: string; sign: string },
  paramJson: string,
  secret: string,
): boolean {
  return sameText(q.sign, expectedDouyinSign(q, paramJson, secret))
}
