import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PlatformReply } from '../../../../src/writeback/types.js'
import { addTarget, rows, type World, world } from '../outbox/fixtures.js'
import { settle } from './fake-clock.js'
import { enqueue, ok, type RelayRig, reply, rig } from './harness.js'

/** A reply the test releases by hand. */
function gate() {
  const waiting: ((r: PlatformReply) => void)[] = []
  return {
    answer: () => new Promise<PlatformReply>((resolve) => waiting.push(resolve)),
    release(r: PlatformReply = ok) {
      for (const resolve of waiting.splice(0)) resolve(r)
    },
    get waiting() {
      return waiting.length
    },
  }
}

describe('the relay', () => {
  let w: World
  let r: RelayRig
  beforeEach(() => {
    w = world()
  })
  afterEach(async () => {
    await r?.relay.stop()
    w.db.close()
  })

  const states = () => rows(w.db).map((row) => row.state)

  it('delivers each waybill in order while different waybills go in parallel', async () => {
    addTarget(w, 'webhook')
    r = rig(w)
    const g = gate()
    r.platform.answer = g.answer
    for (const wb of ['W1', 'W2', 'W3'])
      for (const n of [1, 2, 3]) enqueue(w, wb, `${wb}-${n}`, r.clock.now())
    r.relay.start()
    for (let round = 0; round < 3; round++) {
      await settle()
      expect(g.waiting).toBe(3) // one request per lane, all lanes at once
      g.release()
      await settle()
    }
    for (const wb of ['W1', 'W2', 'W3'])
      expect(r.platform.eventIds(wb)).toEqual([1, 2, 3].map((n) => `${wb}-${n}`))
    expect(r.platform.maxInFlight).toBe(3)
    expect(states()).toEqual(Array(9).fill('delivered'))
  })

  it('keeps at most the target’s concurrency in flight', async () => {
    addTarget(w, 'webhook', { settings: { concurrency: 2 } })
    r = rig(w)
    const g = gate()
    r.platform.answer = g.answer
    for (let i = 0; i < 5; i++) enqueue(w, `W${i}`, `e${i}`, r.clock.now())
    r.relay.start()
    for (let round = 0; round < 3; round++) {
      await settle()
      g.release()
    }
    await settle()
    expect(r.platform.maxInFlight).toBe(2)
    expect(r.platform.calls).toHaveLength(5)
  })

  it('wakes as soon as rows are committed, without waiting for its timer', async () => {
    addTarget(w, 'webhook')
    r = rig(w)
    r.relay.start()
    await settle()
    enqueue(w, 'W1', 'e1', r.clock.now())
    r.events.publish([{ type: 'outbox.enqueued', rows: 1 }])
    await settle()
    expect(r.platform.eventIds()).toEqual(['e1'])
  })

  it('retries a failing head with growing, jittered delays, holding the rows behind it', async () => {
    addTarget(w, 'webhook')
    r = rig(w)
    r.platform.answer = () => reply(503)
    enqueue(w, 'W1', 'a', r.clock.now())
    enqueue(w, 'W1', 'b', r.clock.now())
    r.relay.start()
    const gaps: number[] = []
    for (let i = 0; i < 5; i++) {
      await settle()
      const head = rows(w.db)[0]
      gaps.push((head?.next_attempt_at ?? 0) - r.clock.now())
      r.clock.set(head?.next_attempt_at ?? 0)
    }
    // random() = 0.5: halfway between 100 ms and base·2^(n−1).
    expect(gaps).toEqual([550, 1050, 2050, 4050, 8050])
    await settle()
    // The fifth wait ran out above: six attempts of the head, none of the row behind it.
    expect(r.platform.eventIds()).toEqual(Array(6).fill('a'))
    r.platform.answer = () => ok
    r.clock.advance(20_000)
    await settle(10)
    expect(r.platform.eventIds().slice(6)).toEqual(['a', 'b'])
    expect((await r.metrics.writebackRetries.get()).values[0]?.value).toBe(6)
  })

  it('obeys Retry-After and pauses the whole target meanwhile', async () => {
    addTarget(w, 'webhook')
    r = rig(w)
    let first = true
    r.platform.answer = () => {
      if (!first) return ok
      first = false
      return reply(429, { 'retry-after': '30' })
    }
    enqueue(w, 'W1', 'a', r.clock.now())
    r.relay.start()
    await settle()
    enqueue(w, 'W2', 'b', r.clock.now())
    r.relay.wake()
    r.clock.advance(29_999)
    await settle()
    expect(r.platform.calls.map((c) => c.eventId)).toEqual(['a'])
    r.clock.advance(1)
    await settle(10)
    const t0 = r.platform.calls[0]?.at ?? 0
    expect(r.platform.calls.map((c) => `${c.eventId}+${c.at - t0}`).sort()).toEqual([
      'a+0',
      'a+30000',
      'b+30000',
    ])
  })

  it('stops delivering to a target that answered 410 until it is re-enabled, keeping its rows', async () => {
    addTarget(w, 'webhook')
    r = rig(w)
    r.platform.answer = () => reply(410)
    enqueue(w, 'W1', 'a', r.clock.now())
    enqueue(w, 'W2', 'b', r.clock.now())
    r.relay.start()
    await settle()
    expect(w.targets.get('t-webhook')?.status).toBe('gone')
    const attempts = r.platform.calls.length
    r.platform.answer = () => ok
    r.clock.advance(3_600_000)
    await settle()
    expect(r.platform.calls.length).toBe(attempts)
    expect(states()).toEqual(['pending', 'pending'])
    w.targets.setStatus('t-webhook', 'active', null)
    r.relay.wake()
    await settle(10)
    expect(states()).toEqual(['delivered', 'delivered'])
  })

  it('dead-letters a refused row at once and moves its lane on', async () => {
    addTarget(w, 'webhook')
    r = rig(w)
    r.platform.answer = (call) => (call.eventId === 'a' ? reply(401, {}, 'invalid_signature') : ok)
    enqueue(w, 'W1', 'a', r.clock.now())
    enqueue(w, 'W1', 'b', r.clock.now())
    r.relay.start()
    await settle(10)
    expect(rows(w.db).map((row) => [row.event_id, row.state, row.last_error])).toEqual([
      ['a', 'dead', 'HTTP 401 invalid_signature'],
      ['b', 'delivered', null],
    ])
  })

  it('dead-letters rows still undelivered at their deadline', async () => {
    addTarget(w, 'webhook')
    r = rig(w, { maxAgeMs: 3_600_000 })
    w.writer.options = { ...w.writer.options, maxAgeMs: 3_600_000 }
    r.platform.answer = () => reply(503)
    enqueue(w, 'W1', 'a', r.clock.now())
    enqueue(w, 'W1', 'b', r.clock.now())
    r.relay.start()
    for (let t = 0; t <= 61; t++) {
      await settle()
      r.clock.advance(60_000)
    }
    await settle()
    expect(states()).toEqual(['dead', 'dead'])
    expect(rows(w.db)[0]?.last_error).toMatch(/expired/)
  })

  it('spaces requests by the target’s rate limit', async () => {
    addTarget(w, 'webhook', { settings: { rateLimit: { perSecond: 2, burst: 1 } } })
    r = rig(w)
    for (let i = 0; i < 4; i++) enqueue(w, `W${i}`, `e${i}`, r.clock.now())
    r.relay.start()
    for (let i = 0; i < 40; i++) {
      await settle()
      r.clock.advance(50)
    }
    const t0 = r.platform.calls[0]?.at ?? 0
    expect(r.platform.calls.map((c) => c.at - t0)).toEqual([0, 500, 1000, 1500])
  })

  it('sends rows left in flight by a crash again, with the same event id', async () => {
    addTarget(w, 'webhook')
    r = rig(w)
    r.platform.answer = () => new Promise(() => {}) // the process dies before the platform answers
    enqueue(w, 'W1', 'a', r.clock.now())
    r.relay.start()
    await settle()
    const crashed = r
    r = rig(w) // a new process on the same store
    r.relay.start()
    await settle(10)
    expect(crashed.platform.eventIds()).toEqual(['a'])
    expect(r.platform.eventIds()).toEqual(['a'])
    expect(states()).toEqual(['delivered'])
  })

  it('raises an alert when a target has failed for 10 minutes, and clears it on the next delivery', async () => {
    addTarget(w, 'webhook')
    r = rig(w)
    r.platform.answer = () => reply(500)
    enqueue(w, 'W1', 'a', r.clock.now())
    r.relay.start()
    for (let i = 0; i < 11; i++) {
      await settle()
      r.clock.advance(60_000)
    }
    await settle()
    const open = r.alerts.list({ kind: 'writeback_failing', state: 'open', limit: 10 })
    expect(open.map((a) => [a.waybill, a.state])).toEqual([['target:t-webhook', 'active_unack']])
    expect((await r.metrics.writebackFailing.get()).values[0]?.value).toBeGreaterThanOrEqual(600)
    r.platform.answer = () => ok
    r.clock.advance(600_000)
    await settle(10)
    expect(r.alerts.list({ kind: 'writeback_failing', state: 'open', limit: 10 })[0]?.state).toBe(
      'cleared_unack',
    )
  })

  it('measures delivery latency from the event and counts nodes returned late', async () => {
    addTarget(w, 'webhook')
    r = rig(w)
    enqueue(w, 'W1', 'fresh', r.clock.now())
    w.writer.write(nodeLate(r.clock.now()), r.clock.now())
    r.relay.start()
    await settle(10)
    const late = (await r.metrics.writebackLateNodes.get()).values
    expect(late).toEqual([{ labels: { target: 't-webhook', cause: 'device' }, value: 1 }])
    expect((await r.metrics.writebackNodes.get()).values[0]?.value).toBe(2)
    expect(
      (await r.metrics.writebackLatency.get()).values.find(
        (v) => (v.labels as Record<string, unknown>).le === 0.01,
      )?.value,
    ).toBe(2)
  })
})

/** A node scanned 5 minutes before it reached the gateway (a scanner that was offline). */
function nodeLate(now: number) {
  return {
    type: 'tracking.node' as const,
    eventId: 'late',
    occurredAt: now,
    waybill: 'W2',
    carrier: 'SF',
    orders: [],
    deviceTime: now - 300_000,
    scanEvent: 'load' as const,
    status: 'in_transit' as const,
    location: null,
    operator: null,
    note: null,
    temperature: null,
    history: [],
  }
}
