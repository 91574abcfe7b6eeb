/** Hash primitives the platform checks are written with (node:crypto only). */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export const md5 = (text: string): Buffer => createHash('md5').update(Buffer.from(text, 'utf8')).digest()
export const hmac = (algorithm: 'md5' | 'sha256', key: string | Buffer, text: string): Buffer =>
  createHmac(algorithm, key).update(Buffer.from(text, 'utf8')).digest()

/** Constant-time text comparison (length leaks, content does not). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}
