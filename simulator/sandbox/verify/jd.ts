/** JD: sorted `key+value` of every parameter but `sign` (360buy_param_json included), uppercase hex MD5 wrapped in the secret. */
import { md5, sameText } from './digest.js'

export function expectedJdSign(params: Record<string, string>, secret: string): string {
  let joined = ''
  for (const key of Object.keys(params).sort()) {
    if (key !== 'sign') joined += `${key}${params[key]}`
  }
  return md5(`${secret}${joined}${secret}`).toString('hex').toUpperCase()
}

export function checkJdSign(params: Record<string, string>, secret: string): boolean {
  return sameText(params.sign ?? '', expectedJdSign(params, secret))
}
