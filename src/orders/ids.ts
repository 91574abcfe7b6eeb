/**
 * Time-sortable identifiers (the ULID layout: 48-bit millisecond time then 80 random bits, Crockford base32),
 * so that keyset pages of orders come out in creation order and waybill numbers sort by issue time.
 */
import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

function encodeTime(ms: number): string {
  let out = ''
  let rest = Math.max(0, Math.floor(ms))
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out
    rest = Math.floor(rest / 32)
  }
  return out
}

function encodeRandom(): string {
  const bytes = randomBytes(16)
  let out = ''
  for (const byte of bytes) out += ALPHABET[byte % 32]
  return out
}

/** A 26-character time-sortable id taken at `now`. */
export function sortableId(now: number): string {
  return encodeTime(now) + encodeRandom()
}

/** A gateway order id: `ord_` and a sortable id. */
export function newOrderId(now: number): string {
  return `ord_${sortableId(now)}`
}

/** A waybill number: the courier prefix (letters and digits) and a sortable id, e.g. `CC01J9Z…`. */
export function newWaybillNo(prefix: string, now: number): string {
  return `${prefix}${sortableId(now)}`
}
