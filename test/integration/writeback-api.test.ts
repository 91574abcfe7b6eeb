/**
 * `/api/v1/platforms` and `/api/v1/outbox` through the HTTP API (inject, real in-memory store): registering
 * targets with per-kind validation, secrets never returned or logged, re-enabling a target gone after a 410,
 * listing the outbox and replaying dead letters; and alert changes made through the API enqueue their
 * writeback in the same transaction.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { demoCredentials } from '../../simulator/sandbox/index.js'
import { type Harness, harness } from '../gateway/http/harness.js'
import { node } from '../unit/writeback/fixtures.js'

const webhook = {
  kind: 'webhook',
  id: 'farm-hook',
  endpoint: 'https://hooks.example.org/cc',
  credentials: demoCredentials.webhook,
  trailIntervalMs: 300_000,
  rateLimit: { perSecond: 20, burst: 40 },
}
const taobao = {
  kind: 'taobao',
  id: 'top',
  endpoint: 'https://gw.example.org/router/rest',
  credentials: demoCredentials.taobao,
  carrierCodes: { CC: 'YTO' },
}

describe('the platforms API', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(() => h.close())

  it('registers a target and never shows or logs its secrets', async () => {
    const created = await h.request('POST', '/api/v1/platforms', { body: taobao })
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({
      id: 'top',
      kind: 'taobao',
      status: 'active',
      credentials: { appKey: '12345678', appSecret: '[redacted]', session: '[redacted]' },
      outbox: { pending: 0, dead: 0, oldestPendingAt: null },
    })
    const list = await h.request('GET', '/api/v1/platforms', { token: h.ops })
    expect(list.json().items.map((p: { id: string }) => p.id)).toEqual(['top'])
    const everything = [
      created.body,
      list.body,
      (await h.request('GET', '/api/v1/platforms/top')).body,
      ...h.logs,
    ]
    for (const text of everything) {
      expect(text).not.toContain(demoCredentials.taobao.appSecret)
      expect(text).not.toContain(demoCredentials.taobao.session)
    }
    expect(h.writeback.woken).toBe(1)
  })

  it('validates credentials per kind, naming the field but not echoing the value', async () => {
    const res = await h.request('POST', '/api/v1/platforms', {
      body: { ...webhook, credentials: { secrets: ['not-a-secret-value'] } },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('VALIDATION_FAILED')
    expect(res.body).toMatch(/secrets/)
    expect(res.body).not.toContain('not-a-secret-value')
    expect(
      (await h.request('POST', '/api/v1/platforms', { body: { ...taobao, credentials: {} } })).statusCode,
    ).toBe(400)
  })

  it('lets admin register and change targets, ops only read them, merchants nothing', async () => {
    expect((await h.request('POST', '/api/v1/platforms', { body: webhook, token: h.ops })).statusCode).toBe(
      403,
    )
    expect((await h.request('GET', '/api/v1/platforms', { token: h.merchant })).statusCode).toBe(403)
    await h.request('POST', '/api/v1/platforms', { body: webhook })
    expect((await h.request('POST', '/api/v1/platforms', { body: webhook })).statusCode).toBe(409)
    expect(
      (await h.request('PATCH', '/api/v1/platforms/farm-hook', { body: { enabled: false }, token: h.ops }))
        .statusCode,
    ).toBe(403)
  })

  it('merges a credential change over the stored credentials', async () => {
    await h.request('POST', '/api/v1/platforms', { body: taobao })
    const res = await h.request('PATCH', '/api/v1/platforms/top', {
      body: { credentials: { session: 'new-session' } },
    })
    expect(res.statusCode).toBe(200)
    expect(h.writeback.targets.get('top')?.target.credentials).toMatchObject({
      appSecret: demoCredentials.taobao.appSecret,
      session: 'new-session',
    })
  })

  it('pauses a target and re-enables one gone after a 410, giving its waiting rows a fresh deadline', async () => {
    await h.request('POST', '/api/v1/platforms', { body: webhook })
    h.writeback.targets.setStatus('farm-hook', 'gone', 'HTTP 410 Gone')
    const paused = await h.request('PATCH', '/api/v1/platforms/farm-hook', { body: { enabled: false } })
    expect(paused.json()).toMatchObject({
      status: 'paused',
      statusReason: expect.stringMatching(/paused by/),
    })
    h.writeback.outbox.insert({
      targetId: 'farm-hook',
      orderingKey: 'W1',
      eventId: 'e1',
      type: 'tracking.node',
      payload: '{}',
      createdAt: 0,
      eventTime: 0,
      expiresAt: 1,
    })
    const back = await h.request('PATCH', '/api/v1/platforms/farm-hook', { body: { enabled: true } })
    expect(back.json()).toMatchObject({ status: 'active', statusReason: null, outbox: { pending: 1 } })
    expect(h.writeback.outbox.expired('farm-hook', Date.parse('2025-03-03T00:00:00Z'), 10)).toEqual([])
  })
})

describe('the outbox API', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
    await h.request('POST', '/api/v1/platforms', { body: webhook })
    const writer = h.writeback.outbox
    for (const [wb, id] of [
      ['W1', 'a'],
      ['W1', 'b'],
      ['W2', 'c'],
    ] as const) {
      writer.insert({
        targetId: 'farm-hook',
        orderingKey: wb,
        eventId: id,
        type: 'tracking.node',
        payload: JSON.stringify(node({ eventId: id, waybill: wb })),
        createdAt: 1,
        eventTime: 1,
        expiresAt: 2,
      })
    }
    for (const id of [1, 2, 3]) {
      const row = writer.get(id)
      if (row) writer.markDead(row, 'HTTP 401 invalid_signature', 5, 5)
    }
  })
  afterEach(() => h.close())

  it('lists rows newest first with filters and keyset pages', async () => {
    const first = await h.request('GET', '/api/v1/outbox?target=farm-hook&state=dead&limit=2', {
      token: h.ops,
    })
    expect(first.json().items.map((r: { eventId: string }) => r.eventId)).toEqual(['c', 'b'])
    const next = first.json().next
    const second = await h.request('GET', `/api/v1/outbox?target=farm-hook&state=dead&limit=2&before=${next}`)
    expect(second.json()).toMatchObject({
      items: [{ eventId: 'a', lastError: 'HTTP 401 invalid_signature' }],
      next: null,
    })
    const w1 = await h.request('GET', '/api/v1/outbox?waybill=W1')
    expect(w1.json().items).toHaveLength(2)
    const one = await h.request('GET', '/api/v1/outbox/3')
    expect(one.json().event).toMatchObject({ type: 'tracking.node', eventId: 'c' })
  })

  it('replays one dead row, and refuses a row that is not dead', async () => {
    const res = await h.request('POST', '/api/v1/outbox/3/replay', { token: h.ops })
    expect(res.json()).toMatchObject({ state: 'pending', attempts: 0, eventId: 'c' })
    expect((await h.request('POST', '/api/v1/outbox/3/replay')).statusCode).toBe(409)
    expect((await h.request('POST', '/api/v1/outbox/99/replay')).statusCode).toBe(404)
  })

  it('replays a waybill’s dead rows, or everything dead for a target', async () => {
    const w1 = await h.request('POST', '/api/v1/outbox/replay', {
      body: { target: 'farm-hook', waybill: 'W1' },
    })
    expect(w1.json()).toEqual({ replayed: 2 })
    const all = await h.request('POST', '/api/v1/outbox/replay', { body: { target: 'farm-hook' } })
    expect(all.json()).toEqual({ replayed: 1 })
    expect((await h.request('POST', '/api/v1/outbox/replay', { body: { target: 'nope' } })).statusCode).toBe(
      404,
    )
    expect(h.writeback.woken).toBeGreaterThanOrEqual(3)
  })

  it('is closed to merchants', async () => {
    expect((await h.request('GET', '/api/v1/outbox', { token: h.merchant })).statusCode).toBe(403)
  })
})

describe('alert changes through the API', () => {
  let h: Harness
  beforeEach(async () => {
    h = await harness()
  })
  afterEach(() => h.close())

  it('enqueue the acknowledgement for the platforms in the same transaction, and wake the relay', async () => {
    await h.request('POST', '/api/v1/platforms', { body: webhook })
    const published: string[] = []
    h.events.subscribe((e) => published.push(e.type))
    const [opened] = h.alerts.raise({
      kind: 'temperature',
      waybill: 'W1',
      sourceId: 'x',
      severity: 'major',
      title: 'too warm',
      startedAt: 0,
    })
    const id = opened?.alert.id
    // W1 carries no order: the webhook (no merchant scope) still takes the alert.
    const res = await h.request('POST', `/api/v1/alerts/${id}/ack`, { body: { note: 'on it' } })
    expect(res.statusCode).toBe(200)
    const rows = await h.request('GET', '/api/v1/outbox?waybill=W1')
    expect(rows.json().items).toMatchObject([{ type: 'alert.acknowledged', eventId: `alert:${id}:2` }])
    expect(published).toEqual(['alert.acknowledged', 'outbox.enqueued'])
  })
})
