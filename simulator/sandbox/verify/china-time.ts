/** `yyyy-MM-dd HH:mm:ss` in China Standard Time (UTC+8, no daylight saving), as the platforms write it. */

const OFFSET_MS = 8 * 60 * 60 * 1000
const PATTERN = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/

/** Epoch ms of a China-time text, or null when it is not exactly that format or not a real date. */
export function parseChinaTime(text: string): number | null {
  const m = PATTERN.exec(text)
  if (!m) return null
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ]
  const utc = Date.UTC(year, month - 1, day, hour, minute, second)
  const check = new Date(utc)
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return null
  }
  return utc - OFFSET_MS
}

export function formatChinaTime(epochMs: number): string {
  return new Date(epochMs + OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ')
}

/** Whether `stamp` is within `windowMs` of `now`, either way. */
export function withinWindow(stamp: number, now: number, windowMs: number): boolean {
  return Math.abs(now - stamp) <= windowMs
}
