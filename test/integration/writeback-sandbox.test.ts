/**
 * The relay against the real platform sandbox (loopback HTTP, the sandbox verifying every signature), on a fake
 * clock shared by both: every platform accepts what the relay sends; 410 disables the target; Retry-After is
 * obeyed to the second; rows dead-letter after the bounded time and replay.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Sandbox, startSandbox } from '../../simulator/sandbox/index.js'
import { loadConfig } from '../../src/config.js'
import { createLogger } from '../../src/log.js'
import { Metrics } from '../../src/metrics.js'
import type { TargetKind } from '../../src/writeback/adapters/targets.js'
import { Relay } from '../../src/writeback/relay/relay.js'
import { node, sampleEventFor } from '../unit/writeback/fixtures.js'
import { addTarget, rows, T0, type World, world } from '../unit/writeback/outbox/fixtures.js'
import { FakeClock, settle } from '../unit/writeback/relay/fake-clock.js'

const kinds: TargetKind[] = ['webhook', 'kdniao', 'cainiao', 'taobao', 'douyin', 'pinduoduo', 'jd']

describe('the relay against the platform sandbox', () => {
  let w: World
  let clock: FakeClock
  let sandbox: Sandbox
  let relay: Relay
  beforeEach(async () => {
    w = world(T0)
    clock = new FakeClock(T0)
    sandbox = await startSandbox({ port: 0, clock: clock.now })
  })
  afterEach(async () => {
    await relay?.stop()
    await sandbox.stop()
    w.db.close()
  })

  function startRelay(overrides: Partial<ReturnType<typeof loadConfig>['writeback']> = {}) {
    relay = new Relay({
      db: w.db,
      targets: w.targets,
      config: { ...loadConfig({}).writeback, outcomeFlushMs: 0, ...overrides },
      metrics: new Metrics({ defaultMetrics: false }),
      log: createLogger({ level: 'silent' }),
      clock: clock.now,
      timers: clock,
    })
    relay.start()
  }

  /** Real loopback I/O with the fake clock standing still; then `ms` of fake time. */
  async function run(ms = 0, rounds = 20) {
    for (let i = 0; i < rounds; i++) await settle(3)
    if (ms > 0) clock.advance(ms)
    for (let i = 0; i < rounds; i++) await settle(3)
  }

  it('delivers a correctly signed request to every platform', async () => {
    for (const kind of kinds) {
      addTarget(w, kind, { baseUrl: sandbox.url, extra: { events: [sampleEventFor[kind]().type] } })
      w.writer.write({ ...sampleEventFor[kind](), eventId: `e-${kind}`, occurredAt: T0 }, T0)
    }
    startRelay()
    await run()
    // Each event reaches every target that takes it (the tracking node also goes to Kdniao and Cainiao).
    const accepted = new Set(sandbox.requests({ outcome: 'accepted' }).map((r) => r.platform))
    expect([...accepted].sort()).toEqual([...kinds].sort())
    expect(sandbox.requests().length).toBe(rows(w.db).length)
    expect(sandbox.requests({ outcome: 'rejected' })).toEqual([])
    expect(new Set(rows(w.db).map((r) => r.state))).toEqual(new Set(['delivered']))
  })

  it('disables a target that answers 410 and delivers its kept rows once re-enabled', async () => {
    addTarget(w, 'webhook', { baseUrl: sandbox.url })
    sandbox.setFault('webhook', { gone: true })
    for (const id of ['a', 'b']) w.writer.write(node({ eventId: id, occurredAt: T0 }), T0)
    startRelay()
    await run(60_000)
    expect(w.targets.get('t-webhook')).toMatchObject({
      status: 'gone',
      statusReason: expect.stringMatching(/410/),
    })
    expect(sandbox.requests()).toHaveLength(1)
    sandbox.clearFaults()
    await run(3_600_000)
    expect(sandbox.requests()).toHaveLength(1) // nothing while gone
    w.targets.setStatus('t-webhook', 'active', null)
    relay.wake()
    await run()
    expect(sandbox.requests({ outcome: 'accepted' }).map((r) => r.eventId)).toEqual(['a', 'b'])
  })

  it('waits exactly as long as Retry-After says', async () => {
    addTarget(w, 'webhook', { baseUrl: sandbox.url })
    sandbox.setFault('webhook', { rateLimit: { retryAfterS: 20, count: 1 } })
    w.writer.write(node({ eventId: 'a', occurredAt: T0 }), T0)
    startRelay()
    await run()
    for (let s = 0; s < 25; s++) await run(1000, 2)
    const [limited, accepted] = sandbox.requests()
    expect(limited?.status).toBe(429)
    expect(accepted?.outcome).toBe('accepted')
    expect((accepted?.receivedAt ?? 0) - (limited?.receivedAt ?? 0)).toBe(20_000)
  })

  it('honours an HTTP-date Retry-After too', async () => {
    addTarget(w, 'webhook', { baseUrl: sandbox.url })
    sandbox.setFault('webhook', { rateLimit: { retryAfterS: 45, count: 1, httpDate: true } })
    w.writer.write(node({ eventId: 'a', occurredAt: T0 }), T0)
    startRelay()
    await run()
    for (let s = 0; s < 50; s++) await run(1000, 2)
    const [limited, accepted] = sandbox.requests()
    expect((accepted?.receivedAt ?? 0) - (limited?.receivedAt ?? 0)).toBe(45_000)
  })

  it('dead-letters rows undelivered after the bounded time, and replays them', async () => {
    addTarget(w, 'webhook', { baseUrl: sandbox.url })
    w.writer.options = { ...w.writer.options, maxAgeMs: 3_600_000 }
    sandbox.setFault('webhook', { outage: { forMs: 2 * 3_600_000 } })
    for (const [wb, id] of [
      ['W1', 'a'],
      ['W1', 'b'],
      ['W2', 'c'],
    ] as const) {
      w.writer.write(node({ eventId: id, waybill: wb, occurredAt: T0 }), T0)
    }
    startRelay({ maxAgeMs: 3_600_000, sweepIntervalMs: 60_000 })
    for (let m = 0; m < 65; m++) await run(60_000, 2)
    expect(rows(w.db).map((r) => r.state)).toEqual(['dead', 'dead', 'dead'])
    expect(sandbox.requests({ outcome: 'accepted' })).toEqual([])
    clock.advance(3_600_000) // the outage is over
    const now = clock.now()
    expect(w.writer.store.reviveDead('t-webhook', 'W1', now, now + 3_600_000, 100)).toBe(2)
    relay.wake()
    await run()
    expect(sandbox.requests({ outcome: 'accepted' }).map((r) => r.eventId)).toEqual(['a', 'b'])
    expect(rows(w.db).map((r) => r.state)).toEqual(['delivered', 'delivered', 'dead'])
  })
})
