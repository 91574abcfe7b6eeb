/**
 * Kdniao DataSign (specs/platforms.md): Base64 of the lowercase hex MD5 of (RequestData + AppKey) — the Base64
 * of the 32-character hex text, not of the raw digest. The spec's final URL-encoding is the form encoding of the
 * field, which the request body applies; this returns the Base64 text.
 */
import { createHash } from 'node:crypto'

export function kdniaoDataSign(requestData: string, appKey: string): string {
  const hex = createHash('md5')
    .update(requestData + appKey, 'utf8')
    .digest('hex')
  return Buffer.from(hex, 'utf8').toString('base64')
}
