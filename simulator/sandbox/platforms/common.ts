/** Request reading and answer helpers shared by the platform handlers. */
import type { Answer, Received } from '../types.js'

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Answer {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  }
}

/** The media type without parameters, lower-cased (`application/json; charset=utf-8` → `application/json`). */
export function mediaType(req: Received): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
}

export const isForm = (req: Received): boolean => mediaType(req) === 'application/x-www-form-urlencoded'
export const isJson = (req: Received): boolean => mediaType(req) === 'application/json'

/** Query parameters merged with the form body (body wins), as routers read them; null when the body is not a form. */
export function formParams(req: Received): Record<string, string> | null {
  if (req.body !== '' && !isForm(req)) return null
  return { ...req.query, ...Object.fromEntries(new URLSearchParams(req.body)) }
}

/** The first of `keys` that is absent or empty. */
export function firstMissing(
  params: Record<string, string | undefined>,
  keys: readonly string[],
): string | undefined {
  return keys.find((key) => params[key] === undefined || params[key] === '')
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

/** A platform-looking request id that is unique within the process. */
let counter = 0
export function requestId(): string {
  counter += 1
  return `sbx${Date.now().toString(36)}${counter.toString(36)}`
}
