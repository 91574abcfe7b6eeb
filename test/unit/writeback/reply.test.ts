import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { httpOutcome, readBody, retryAfterMs } from '../../../src/writeback/adapters/reply.js'

const NOW = Date.UTC(2026, 2, 1, 2, 0, 0)
const reply = (status: number, body = '', headers: Record<string, string> = {}) => ({ status, body, headers })

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP-dates relative to now', () => {
    expect(retryAfterMs('120', NOW)).toBe(120_000)
    expect(retryAfterMs(new Date(NOW + 90_000).toUTCString(), NOW)).toBe(90_000)
    expect(retryAfterMs(new Date(NOW - 5_000).toUTCString(), NOW)).toBe(0)
  })

  it('ignores absent or unreadable values', () => {
    expect(retryAfterMs(undefined, NOW)).toBeUndefined()
    expect(retryAfterMs('soon', NOW)).toBeUndefined()
    expect(retryAfterMs('-5', NOW)).toBeUndefined()
  })
})

describe('HTTP outcome', () => {
  it('leaves 2xx to the body reader', () => {
    expect(httpOutcome(reply(200), NOW)).toBeNull()
    expect(httpOutcome(reply(204), NOW)).toBeNull()
  })

  it('disables on 410, retries 408/429/5xx honouring Retry-After, refuses other statuses', () => {
    expect(httpOutcome(reply(410), NOW)?.result).toBe('disable')
    expect(httpOutcome(reply(429, '', { 'retry-after': '7' }), NOW)).toMatchObject({
      result: 'retry',
      retryAfterMs: 7000,
    })
    expect(httpOutcome(reply(503), NOW)).toEqual({ result: 'retry', reason: 'HTTP 503' })
    expect(httpOutcome(reply(408), NOW)?.result).toBe('retry')
    expect(httpOutcome(reply(400, 'bad'), NOW)).toEqual({ result: 'permanent', reason: 'HTTP 400 bad' })
    expect(httpOutcome(reply(302), NOW)?.result).toBe('permanent')
  })
})

describe('reading a body', () => {
  const schema = z.object({ ok: z.boolean() })

  it('retries a body that is not JSON and refuses JSON of an unknown shape', () => {
    expect(readBody(reply(200, '<html>proxy error</html>'), schema)).toMatchObject({
      ok: false,
      outcome: { result: 'retry' },
    })
    expect(readBody(reply(200, '{"other":1}'), schema)).toMatchObject({
      ok: false,
      outcome: { result: 'permanent' },
    })
    expect(readBody(reply(200, '{"ok":true}'), schema)).toEqual({ ok: true, value: { ok: true } })
  })
})
