/**
 * Cainiao LINK data_digest (specs/platforms.md): Base64 of the raw MD5 digest of (logistics_interface +
 * secretKey). Official vector: `hello1234` + `key123` → `ufYU7rvXhHY3IDyZgyt6SA==`. Both fields are then
 * URL-encoded as form fields by the request body.
 */
import { createHash } from 'node:crypto'

export function cainiaoDataDigest(logisticsInterface: string, secretKey: string): string {
  return createHash('md5')
    .update(logisticsInterface + secretKey, 'utf8')
    .digest('base64')
}
