/** Kdniao DataSign: Base64 of the 32-character lowercase hex MD5 of RequestData + AppKey (specs/platforms.md). */
import { md5, sameText } from './digest.js'

export function expectedDataSign(requestData: string, appKey: string): string {
  const hexText = md5(`${requestData}${appKey}`).toString('hex')
  return Buffer.from(hexText, 'ascii').toString('base64')
}

/** `dataSign` is the field after form decoding (the spec's URL-encoding is undone by it). */
export function checkDataSign(requestData: string, dataSign: string, appKey: string): boolean {
  return sameText(dataSign, expectedDataSign(requestData, appKey))
}
