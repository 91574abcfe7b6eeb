/** Cainiao LINK data_digest: Base64 of the raw MD5 digest of logistics_interface + secretKey (specs/platforms.md). */
import { md5, sameText } from './digest.js'

export function expectedDigest(logisticsInterface: string, secretKey: string): string {
  return md5(`${logisticsInterface}${secretKey}`).toString('base64')
}

export function checkDigest(logisticsInterface: string, digest: string, secretKey: string): boolean {
  return sameText(digest, expectedDigest(logisticsInterface, secretKey))
}
