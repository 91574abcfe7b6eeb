/**
 * JD open platform signature (specs/platforms.md, "JD"): every parameter except `sign`, including
 * `360buy_param_json`, sorted by key; sign = uppercase hex MD5(secret + k1v1k2v2… + secret).
 */
import { createHash } from 'node:crypto'

export function jdSign(params: Record<string, string>, secret: string): string {
  const s = Object.keys(params)
    .filter((k) => k !== 'sign')
    .sort()
    .map((k) => k + params[k])
    .join('')
  return createHash('md5')
    .update(secret + s + secret, 'utf8')
    .digest('hex')
    .toUpperCase()
}
