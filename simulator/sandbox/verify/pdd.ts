/** Pinduoduo: sorted `key+value` of every parameter but `sign`, uppercase hex MD5(secret + s + secret). */
import { md5, sameText } from './digest.js'

export function expectedPddSign(params: Record<string, string>, secret: string): string {
  const joined = Object.keys(params)
    .filter((key) => key !== 'sign')
    .sort()
    .map((key) => `${key}${params[key]}`)
    .join('')
  return md5(secret + joined + secret)
    .toString('hex')
    .toUpperCase()
}

export function checkPddSign(params: Record<string, string>, secret: string): boolean {
  return sameText(params.sign ?? '', expectedPddSign(params, secret))
}
