import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultProfiles } from '../../../src/rules/index.js'
import { order } from '../../unit/orders/fixtures.js'
import { type Harness, harness } from './harness.js'

let h: Harness
beforeEach(async () => {
  h = await harness()
})
afterEach(() => h.close())

const { name: _name, ...chilled } = defaultProfiles.chilled

describe('temperature profiles', () => {
  it('lists the five defaults of the cold-chain spec', async () => {
    const res = await h.request('GET', '/api/v1/profiles', { token: h.merchant })
    expect(res.statusCode).toBe(200)
    const items = res.json().items as { name: string; source: string; profile: { lowC: number | null } }[]
    expect(items.map((p) => [p.name, p.source, p.profile.lowC])).toEqual([
      ['chilled', 'default', 0],
      ['controlled_ambient', 'default', 15],
      ['fresh_meat', 'default', 0],
      ['frozen', 'default', null],
      ['pharma_2_8', 'default', 2],
    ])
  })

  it('edits a default: validated, kept with who and when, used from then on', async () => {
    const res = await h.request('PUT', '/api/v1/profiles/chilled', {
      token: h.ops,
      body: { ...chilled, highC: 6, alarmDelayMs: 5 * 60_000 },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      name: 'chilled',
      source: 'edited',
      updatedAt: '2025-03-01T08:00:00.000Z',
      updatedBy: expect.any(String),
      profile: { highC: 6, alarmDelayMs: 300_000 },
    })
    const read = await h.request('GET', '/api/v1/profiles/chilled')
    expect(read.json().profile.highC).toBe(6)
    expect(h.monitor.profiles.get('chilled')?.highC).toBe(6)
  })

  it('adds a profile (201) that orders may then name, with humidity defaults filled in', async () => {
    const res = await h.request('PUT', '/api/v1/profiles/leafy_greens', {
      body: { ...chilled, lowC: 1, highC: 4, humidity: { lowPct: 85, highPct: 95 } },
    })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({
      source: 'custom',
      profile: { name: 'leafy_greens', humidity: { delayMs: 1_800_000, hysteresisPct: 2 } },
    })
    const created = await h.request('POST', '/api/v1/orders', { body: order({ profile: 'leafy_greens' }) })
    expect(created.statusCode).toBe(201)
  })

  it('refuses an invalid profile, naming the field', async () => {
    const res = await h.request('PUT', '/api/v1/profiles/chilled', {
      body: { ...chilled, lowC: 8, highC: 2 },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { issues: [{ path: 'lowC', message: 'lowC must be below highC' }] },
    })
    expect(h.monitor.profiles.get('chilled')?.highC).toBe(8)
  })

  it('is edited by admin and ops only; an unknown profile reads as absent', async () => {
    const res = await h.request('PUT', '/api/v1/profiles/chilled', { token: h.merchant, body: chilled })
    expect(res.statusCode).toBe(403)
    expect((await h.request('GET', '/api/v1/profiles/tropical')).statusCode).toBe(404)
  })
})
