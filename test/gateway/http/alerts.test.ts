import { afterEach, describe, expect, it } from 'vitest'
import type { RaiseInput } from '../../../src/alerts/service.js'
import type { GatewayEvent } from '../../../src/events.js'
import { type Harness, harness } from './harness.js'

let h: Harness
afterEach(() => h.close())

async function start(options: Parameters<typeof harness>[0] = {}): Promise<GatewayEvent[]> {
  h = await harness(options)
  const published: GatewayEvent[] = []
  h.events.subscribe((e) => published.push(e))
  return published
}

function raise(input: Partial<RaiseInput> = {}): number {
  const [event] = h.alerts.raise({
    kind: 'temperature',
    waybill: 'WB-1',
    sourceId: `x-${Math.random()}`,
    severity: 'major',
    title: 'Temperature above 8 °C',
    startedAt: Date.parse('2025-03-01T07:50:00Z'),
    ...input,
  })
  return event?.alert.id as number
}

const opsId = () => h.tokens.verify(h.ops)?.id as string
const ids = (body: { items: { id: number }[] }) => body.items.map((a) => a.id)

describe('GET /api/v1/alerts', () => {
  it('lists alerts newest first, times in ISO-8601', async () => {
    await start()
    const first = raise({ waybill: 'WB-1' })
    const second = raise({
      waybill: 'WB-2',
      kind: 'data_gap',
      severity: 'critical',
      title: 'No data for 45 min',
    })
    const res = await h.request('GET', '/api/v1/alerts', { token: h.ops })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(ids(body)).toEqual([second, first])
    expect(body.next).toBeNull()
    expect(body.items[1]).toMatchObject({
      id: first,
      kind: 'temperature',
      waybill: 'WB-1',
      state: 'active_unack',
      severity: 'major',
      conditionStartedAt: '2025-03-01T07:50:00.000Z',
      openedAt: '2025-03-01T08:00:00.000Z',
      ackedAt: null,
      nextEscalationAt: '2025-03-01T08:10:00.000Z',
    })
  })

  it('filters by state, kind, severity and waybill; `open` leaves out resolved alerts', async () => {
    await start()
    const temp = raise({ waybill: 'WB-1' })
    const gap = raise({ waybill: 'WB-2', kind: 'data_gap', severity: 'critical' })
    const done = raise({ waybill: 'WB-3' })
    h.alerts.ack(temp, 'li.wei', null)
    h.alerts.ack(done, 'li.wei', null)
    h.alerts.resolve(done, 'li.wei', 'release', 'probe fine')
    const list = async (query: string) => ids((await h.request('GET', `/api/v1/alerts?${query}`)).json())
    expect(await list('state=active_ack')).toEqual([temp])
    expect(await list('state=open')).toEqual([gap, temp])
    expect(await list('state=resolved')).toEqual([done])
    expect(await list('kind=data_gap')).toEqual([gap])
    expect(await list('severity=critical')).toEqual([gap])
    expect(await list('waybill=WB-3')).toEqual([done])
    expect(await list('kind=temperature&state=active_unack')).toEqual([])
  })

  it('pages by id with `before` and `next`, newest first', async () => {
    await start()
    const raised = ['A', 'B', 'C', 'D', 'E'].map((w) => raise({ waybill: `WB-${w}` }))
    let body = (await h.request('GET', '/api/v1/alerts?limit=2')).json()
    const seen = ids(body)
    while (body.next) {
      body = (await h.request('GET', `/api/v1/alerts?limit=2&before=${body.next}`)).json()
      seen.push(...ids(body))
    }
    expect(seen).toEqual([...raised].reverse())
  })

  it('refuses unknown states and out-of-range page sizes', async () => {
    await start()
    expect((await h.request('GET', '/api/v1/alerts?state=closed')).statusCode).toBe(400)
    expect((await h.request('GET', '/api/v1/alerts?limit=0')).statusCode).toBe(400)
  })
})

describe('GET /api/v1/alerts/:id', () => {
  it('returns the alert with every transition: who, when and the note', async () => {
    await start()
    const id = raise()
    h.alerts.ack(id, 'li.wei', 'driver checks the reefer')
    const res = await h.request('GET', `/api/v1/alerts/${id}`, { token: h.ops })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id, state: 'active_ack', ackedBy: 'li.wei' })
    expect(res.json().transitions).toEqual([
      {
        action: 'open',
        from: null,
        to: 'active_unack',
        at: '2025-03-01T08:00:00.000Z',
        actor: 'system',
        note: 'Temperature above 8 °C',
      },
      {
        action: 'ack',
        from: 'active_unack',
        to: 'active_ack',
        at: '2025-03-01T08:00:00.000Z',
        actor: 'li.wei',
        note: 'driver checks the reefer',
      },
    ])
  })

  it('answers 404 for an unknown alert', async () => {
    await start()
    const res = await h.request('GET', '/api/v1/alerts/999')
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('NOT_FOUND')
  })
})

describe('POST /api/v1/alerts/:id/ack', () => {
  it('records the token that acknowledged, by label and id, with the note, and publishes the change', async () => {
    const published = await start()
    const id = raise()
    const res = await h.request('POST', `/api/v1/alerts/${id}/ack`, {
      token: h.ops,
      body: { note: 'calling the driver' },
    })
    expect(res.statusCode).toBe(200)
    const who = `ops desk (${opsId()})`
    expect(res.json()).toMatchObject({
      state: 'active_ack',
      ackedBy: who,
      ackedAt: '2025-03-01T08:00:00.000Z',
      nextEscalationAt: null,
    })
    expect(res.json().transitions.at(-1)).toMatchObject({
      action: 'ack',
      actor: who,
      note: 'calling the driver',
    })
    expect(published).toMatchObject([{ type: 'alert.acknowledged', alert: { id, ackedBy: who } }])
  })

  it('takes no body at all, and changes nothing when acknowledged twice', async () => {
    const published = await start()
    const id = raise()
    expect((await h.request('POST', `/api/v1/alerts/${id}/ack`)).statusCode).toBe(200)
    const again = await h.request('POST', `/api/v1/alerts/${id}/ack`, { body: { note: 'me too' } })
    expect(again.statusCode).toBe(200)
    expect(again.json().transitions.map((t: { action: string }) => t.action)).toEqual(['open', 'ack'])
    expect(published.map((e) => e.type)).toEqual(['alert.acknowledged'])
  })

  it('refuses to acknowledge a resolved alert with 409', async () => {
    await start()
    const id = raise()
    h.alerts.ack(id, 'li.wei', null)
    h.alerts.resolve(id, 'li.wei', 'release', 'fine')
    const res = await h.request('POST', `/api/v1/alerts/${id}/ack`)
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'CONFLICT', message: 'cannot ack an alert that is resolved' })
  })
})

describe('POST /api/v1/alerts/:id/resolve', () => {
  it('refuses an alert nobody acknowledged with 409 and the reason', async () => {
    const published = await start()
    const id = raise()
    const res = await h.request('POST', `/api/v1/alerts/${id}/resolve`, {
      body: { disposition: 'release', note: 'probe fine' },
    })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toEqual({
      code: 'CONFLICT',
      message: 'acknowledge the alert before resolving it',
      details: { state: 'active_unack' },
    })
    expect(published).toEqual([])
    expect(h.alerts.get(id).state).toBe('active_unack')
  })

  it('closes an acknowledged alert with the disposition and the reason, and publishes it', async () => {
    const published = await start()
    const id = raise()
    await h.request('POST', `/api/v1/alerts/${id}/ack`, { token: h.ops })
    const res = await h.request('POST', `/api/v1/alerts/${id}/resolve`, {
      token: h.ops,
      body: { disposition: 'quarantine', note: 'core temperature 9.5 °C' },
    })
    expect(res.statusCode).toBe(200)
    const who = `ops desk (${opsId()})`
    expect(res.json()).toMatchObject({
      state: 'resolved',
      disposition: 'quarantine',
      resolvedBy: who,
      resolutionNote: 'core temperature 9.5 °C',
      resolvedAt: '2025-03-01T08:00:00.000Z',
    })
    expect(res.json().transitions.at(-1)).toMatchObject({ action: 'resolve', actor: who, to: 'resolved' })
    expect(published.map((e) => e.type)).toEqual(['alert.acknowledged', 'alert.resolved'])
  })

  it.each([
    ['an unknown disposition', { disposition: 'destroy', note: 'x' }, '/disposition'],
    ['no note', { disposition: 'release' }, '/note'],
    ['a blank note', { disposition: 'release', note: '   ' }, '/note'],
  ])('answers 400 for %s', async (_case, body, path) => {
    await start()
    const id = raise()
    h.alerts.ack(id, 'li.wei', null)
    const res = await h.request('POST', `/api/v1/alerts/${id}/resolve`, { body })
    expect(res.statusCode).toBe(400)
    expect(res.json().details.issues[0]).toMatchObject({ in: 'body', path })
    expect(h.alerts.get(id).state).toBe('active_ack')
  })
})

describe('alerts and tokens', () => {
  it('shows a merchant the alerts of its own waybills only', async () => {
    await start({ waybillsOfMerchant: (m) => (m === 'm-1' ? ['WB-OWN'] : []) })
    const own = raise({ waybill: 'WB-OWN' })
    const other = raise({ waybill: 'WB-OTHER' })
    const list = await h.request('GET', '/api/v1/alerts', { token: h.merchant })
    expect(ids(list.json())).toEqual([own])
    const filtered = await h.request('GET', '/api/v1/alerts?waybill=WB-OTHER', { token: h.merchant })
    expect(ids(filtered.json())).toEqual([])
    expect((await h.request('GET', `/api/v1/alerts/${own}`, { token: h.merchant })).statusCode).toBe(200)
    expect((await h.request('GET', `/api/v1/alerts/${other}`, { token: h.merchant })).statusCode).toBe(404)
  })

  it('scopes a merchant with more waybills than SQLite takes as query parameters', async () => {
    const many = Array.from({ length: 40_000 }, (_, i) => `WB-${i}`)
    await start({ waybillsOfMerchant: () => many })
    const own = raise({ waybill: 'WB-39999' })
    raise({ waybill: 'WB-OTHER' })
    expect(ids((await h.request('GET', '/api/v1/alerts', { token: h.merchant })).json())).toEqual([own])
  })

  it('shows a merchant nothing while no orders module tells whose waybills are whose', async () => {
    await start()
    const id = raise()
    expect(ids((await h.request('GET', '/api/v1/alerts', { token: h.merchant })).json())).toEqual([])
    expect((await h.request('GET', `/api/v1/alerts/${id}`, { token: h.merchant })).statusCode).toBe(404)
  })

  it('lets only admin and ops acknowledge and resolve (403), and nobody without a token (401)', async () => {
    await start({ waybillsOfMerchant: () => ['WB-1'] })
    const id = raise()
    const ack = await h.request('POST', `/api/v1/alerts/${id}/ack`, { token: h.merchant })
    expect(ack.statusCode).toBe(403)
    const resolve = await h.request('POST', `/api/v1/alerts/${id}/resolve`, {
      token: h.merchant,
      body: { disposition: 'release', note: 'x' },
    })
    expect(resolve.statusCode).toBe(403)
    for (const [method, url] of [
      ['GET', '/api/v1/alerts'],
      ['GET', `/api/v1/alerts/${id}`],
      ['POST', `/api/v1/alerts/${id}/ack`],
    ] as const) {
      const res = await h.request(method, url, { token: null })
      expect(res.statusCode).toBe(401)
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/)
    }
    expect(h.alerts.get(id).state).toBe('active_unack')
  })
})
