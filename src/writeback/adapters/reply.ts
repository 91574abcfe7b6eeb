/**
 * Reply classification shared by every adapter: the HTTP layer first (specs/platforms.md, generic webhook:
 * retry on 429/5xx honouring Retry-After, disable on 410), then each adapter reads its platform's body.
 */
import type { z } from 'zod'
import type { DeliveryOutcome, PlatformReply } from '../types.js'

/** `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), in ms from `now`; undefined if absent/bad. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  // An HTTP-date starts with a day name (IMF-fixdate, RFC 850 or asctime); Date.parse alone takes "-5" as a year.
  const at = /^[A-Za-z]{3,9},? /.test(trimmed) ? Date.parse(trimmed) : Number.NaN
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

function retry(reason: string, after: number | undefined): DeliveryOutcome {
  return after === undefined ? { result: 'retry', reason } : { result: 'retry', reason, retryAfterMs: after }
}

/**
 * The outcome decided by the status code alone, or null for 2xx (read the body). 410 → disable; 408, 425, 429
 * and 5xx → retry (with Retry-After when given); any other status → permanent (redirects are not followed).
 */
export function httpOutcome(reply: PlatformReply, now: number): DeliveryOutcome | null {
  const { status } = reply
  if (status >= 200 && status < 300) return null
  const snippet = reply.body.slice(0, 200)
  if (status === 410)
    return { result: 'disable', reason: `HTTP 410 Gone: the endpoint was removed ${snippet}`.trim() }
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    return retry(`HTTP ${status} ${snippet}`.trim(), retryAfterMs(reply.headers['retry-after'], now))
  }
  return { result: 'permanent', reason: `HTTP ${status} ${snippet}`.trim() }
}

/**
 * Parses a 2xx body with a schema. A body that is not JSON is `retry` (typically a proxy's error page in front
 * of the platform); JSON of an unknown shape is `permanent` (retrying the same bytes cannot change it).
 */
export function readBody<T>(
  reply: PlatformReply,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; outcome: DeliveryOutcome } {
  let json: unknown
  try {
    json = JSON.parse(reply.body)
  } catch {
    return {
      ok: false,
      outcome: { result: 'retry', reason: `reply is not JSON: ${reply.body.slice(0, 120)}` },
    }
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    return {
      ok: false,
      outcome: { result: 'permanent', reason: `unrecognised reply: ${reply.body.slice(0, 200)}` },
    }
  }
  return { ok: true, value: parsed.data }
}

/** Platform-level retry: carries the HTTP Retry-After too when a platform sets it on a 200 (rare). */
export function platformRetry(reply: PlatformReply, now: number, reason: string): DeliveryOutcome {
  return retry(reason, retryAfterMs(reply.headers['retry-after'], now))
}

/** The whole reading of a platform's reply: the status code first, then the 2xx body against its schema. */
export function readReply<T>(
  reply: PlatformReply,
  now: number,
  schema: z.ZodType<T>,
): { ok: true; value: T } | { ok: false; outcome: DeliveryOutcome } {
  const http = httpOutcome(reply, now)
  return http ? { ok: false, outcome: http } : readBody(reply, schema)
}
