/** Small wire helpers shared by the adapters: China-time timestamps and form bodies. */

const GMT8_MS = 8 * 3_600_000

const pad = (n: number): string => String(n).padStart(2, '0')

/** `yyyy-MM-dd HH:mm:ss` in GMT+8 (China Standard Time, no daylight saving), computed from epoch ms. */
export function gmt8(epochMs: number): string {
  const d = new Date(epochMs + GMT8_MS)
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  )
}

export function unixSeconds(epochMs: number): number {
  return Math.floor(epochMs / 1000)
}

/** `application/x-www-form-urlencoded` body (UTF-8, space as `+`), fields in the given order. */
export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString()
}

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8'
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'
export const USER_AGENT = 'coldchain-gateway-writeback/1'

/** A form-encoded POST to the target's endpoint: how Kdniao, Cainiao, TOP, PDD and JD all take requests. */
export function formRequest(endpoint: string, fields: Record<string, string>) {
  return {
    method: 'POST' as const,
    url: endpoint,
    headers: { 'content-type': FORM_CONTENT_TYPE, 'user-agent': USER_AGENT },
    body: formBody(fields),
  }
}
