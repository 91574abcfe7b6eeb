/** Fault injection per platform, and what each adapter makes of it. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, startSandbox } from '../../../simulator/sandbox/index.js'
import { sampleEventFor, T0 } from '../../unit/writeback/fixtures.js'
import { deliver, kinds } from './helpers.js'

let sandbox: Sandbox
let now = T0

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, clock: () => now })
})
afterAll(() => sandbox.stop())
beforeEach(() => {
  now = T0
  sandbox.clear()
})

describe.each(kinds)('%s under faults', (kind) => {
  const event = sampleEventFor[kind]()

  it('answers 429 with Retry-After, read as a retry after that delay', async () => {
    sandbox.setFault(kind, { rateLimit: { retryAfterS: 12 } })
    const { reply, outcome } = await deliver(kind, sandbox, event, now)
    expect(reply.status).toBe(429)
    expect(outcome).toMatchObject({ result: 'retry', retryAfterMs: 12_000 })
  })

  it('answers 410 when gone, read as disable', async () => {
    sandbox.setFault(kind, { gone: true })
    expect((await deliver(kind, sandbox, event, now)).outcome.result).toBe('disable')
  })

  it('answers its own system error at the error rate, read as a retry', async () => {
    sandbox.setFault(kind, { errorRate: 1 })
    const { reply, outcome } = await deliver(kind, sandbox, event, now)
    expect(outcome.result, reply.body).toBe('retry')
    expect(sandbox.requests({ platform: kind })[0]).toMatchObject({ outcome: 'fault', fault: 'error' })
  })

  it('treats every signature as wrong in bad-signature mode', async () => {
    sandbox.setFault(kind, { badSignature: true })
    const { outcome } = await deliver(kind, sandbox, event, now)
    expect(outcome.result).toBe('permanent')
    expect(sandbox.requests({ platform: kind })[0]?.outcome).toBe('rejected')
  })
})

describe('fault details', () => {
  it('answers 503 during an outage window on the sandbox clock, then recovers', async () => {
    sandbox.setFault('taobao', { outage: { forMs: 60_000 } })
    expect((await deliver('taobao', sandbox, sampleEventFor.taobao(), now)).reply.status).toBe(503)
    now += 30_000
    expect((await deliver('taobao', sandbox, sampleEventFor.taobao(), now)).outcome.result).toBe('retry')
    now += 31_000
    expect((await deliver('taobao', sandbox, sampleEventFor.taobao(), now)).outcome.result).toBe('delivered')
  })

  it('honours an outage given as from/until', async () => {
    sandbox.setFault('jd', { outage: { from: T0 + 10_000, until: T0 + 20_000 } })
    expect((await deliver('jd', sandbox, sampleEventFor.jd(), now)).outcome.result).toBe('delivered')
    now = T0 + 15_000
    expect((await deliver('jd', sandbox, sampleEventFor.jd(), now)).reply.status).toBe(503)
  })

  it('limits 429s to a count, and can send Retry-After as an HTTP-date', async () => {
    sandbox.setFault('pinduoduo', { rateLimit: { retryAfterS: 30, httpDate: true, count: 1 } })
    const first = await deliver('pinduoduo', sandbox, sampleEventFor.pinduoduo(), now)
    expect(first.reply.headers['retry-after']).toBe(new Date(now + 30_000).toUTCString())
    expect(first.outcome).toMatchObject({ result: 'retry', retryAfterMs: 30_000 })
    expect((await deliver('pinduoduo', sandbox, sampleEventFor.pinduoduo(), now)).outcome.result).toBe(
      'delivered',
    )
  })

  it('draws errors from a seeded RNG: the same seed fails the same requests', async () => {
    const pattern = async () => {
      sandbox.setFault('webhook', { errorRate: 0.5, seed: 42 })
      const results: string[] = []
      for (let i = 0; i < 10; i++)
        results.push((await deliver('webhook', sandbox, sampleEventFor.webhook(), now)).outcome.result)
      return results
    }
    const first = await pattern()
    expect(first).toContain('retry')
    expect(first).toContain('delivered')
    expect(await pattern()).toEqual(first)
  })

  it('delays answers by the configured latency', async () => {
    sandbox.setFault('kdniao', { latencyMs: 120 })
    const started = performance.now()
    expect((await deliver('kdniao', sandbox, sampleEventFor.kdniao(), now)).outcome.result).toBe('delivered')
    expect(performance.now() - started).toBeGreaterThanOrEqual(115)
  })

  it('skews one platform clock: a fresh request looks stale', async () => {
    sandbox.setFault('douyin', { clockOffsetMs: 11 * 60_000 })
    expect((await deliver('douyin', sandbox, sampleEventFor.douyin(), now)).outcome.result).toBe('permanent')
    expect((await deliver('taobao', sandbox, sampleEventFor.taobao(), now)).outcome.result).toBe('delivered')
  })

  it('clears one platform or all', async () => {
    sandbox.setFault('jd', { gone: true })
    sandbox.setFault('taobao', { gone: true })
    sandbox.clearFaults('jd')
    expect((await deliver('jd', sandbox, sampleEventFor.jd(), now)).outcome.result).toBe('delivered')
    expect((await deliver('taobao', sandbox, sampleEventFor.taobao(), now)).outcome.result).toBe('disable')
    sandbox.clearFaults()
    expect((await deliver('taobao', sandbox, sampleEventFor.taobao(), now)).outcome.result).toBe('delivered')
  })
})
