/** What every adapter does with the HTTP layer of a reply, whatever the platform. */
import { describe, expect, it } from 'vitest'
import { adapters } from '../../../../src/writeback/adapters/index.js'
import { T0 } from '../fixtures.js'

const all = Object.values(adapters)
const reply = (status: number, body = '', headers: Record<string, string> = {}) => ({ status, body, headers })

describe.each(all.map((a) => [a.kind, a] as const))('%s adapter, HTTP layer', (_kind, adapter) => {
  it('disables the target on 410 Gone', () => {
    expect(adapter.parseReply(reply(410, 'gone'), T0).result).toBe('disable')
  })

  it('retries 429 after the Retry-After seconds or HTTP-date', () => {
    expect(adapter.parseReply(reply(429, '', { 'retry-after': '30' }), T0)).toMatchObject({
      result: 'retry',
      retryAfterMs: 30_000,
    })
    const date = new Date(T0 + 120_000).toUTCString()
    expect(adapter.parseReply(reply(429, '', { 'retry-after': date }), T0)).toMatchObject({
      result: 'retry',
      retryAfterMs: 120_000,
    })
  })

  it('retries 5xx and treats other 4xx as permanent', () => {
    expect(adapter.parseReply(reply(500), T0).result).toBe('retry')
    expect(adapter.parseReply(reply(503, '', { 'retry-after': '5' }), T0)).toMatchObject({
      retryAfterMs: 5000,
    })
    expect(adapter.parseReply(reply(401, '{}'), T0).result).toBe('permanent')
  })

  it('never throws on garbage', () => {
    for (const body of ['', 'null', '[]', '{"a":', '<html/>', '"text"', '{"error_response":null}']) {
      expect(() => adapter.parseReply(reply(200, body), T0)).not.toThrow()
    }
  })
})

describe('platform adapters (not the webhook)', () => {
  const platforms = all.filter((a) => a.kind !== 'webhook')

  it.each(platforms.map((a) => [a.kind, a] as const))(
    '%s retries a 200 whose body is not JSON',
    (_kind, adapter) => {
      expect(adapter.parseReply(reply(200, '<html>bad gateway</html>'), T0)).toMatchObject({
        result: 'retry',
      })
    },
  )

  it.each(platforms.map((a) => [a.kind, a] as const))(
    '%s refuses JSON of an unknown shape',
    (_kind, adapter) => {
      expect(adapter.parseReply(reply(200, '{"unexpected":true}'), T0)).toMatchObject({ result: 'permanent' })
    },
  )
})
