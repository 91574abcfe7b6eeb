/**
 * Pinduoduo router signature (specs/platforms.md, "Pinduoduo"): object values become JSON text, keys are
 * sorted, key+value concatenated, sign = uppercase hex MD5(secret + s + secret). `sign` itself is excluded.
 */
import { createHash } from 'node:crypto'

export type PddParam = string | number | boolean | object

export function pddValue(value: PddParam): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

export function pddSign(params: Record<string, PddParam>, secret: string): string {
  const s = Object.keys(params)
    .filter((k) => k !== 'sign')
    .sort()
    .map((k) => k + pddValue(params[k] as PddParam))
    .join('')
  return createHash('md5')
    .update(secret + s + secret, 'utf8')
    .digest('hex')
    .toUpperCase()
}
