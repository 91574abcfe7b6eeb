import { describe, expect, it } from 'vitest'
import {
  adapterFor,
  redactTarget,
  targetAccepts,
  targetSchema,
} from '../../../src/writeback/adapters/index.js'
import { alert, excursion, node, order, shipment, trail } from './fixtures.js'

const secret = `whsec_${Buffer.from('0123456789abcdef01234567').toString('base64')}`
const webhook = targetSchema.parse({
  kind: 'webhook',
  id: 'w',
  endpoint: 'https://example.test/hook',
  credentials: { secrets: [secret] },
})

describe('targets', () => {
  it('validates credentials per kind and fills defaults', () => {
    const top = targetSchema.parse({
      kind: 'taobao',
      id: 't',
      endpoint: 'https://example.test/router/rest',
      credentials: { appKey: 'a', appSecret: 'b', session: 'c' },
    })
    expect(top.kind === 'taobao' && top.credentials.signMethod).toBe('hmac-sha256')
    expect(top.carrierCodes).toEqual({})
    expect(
      targetSchema.safeParse({
        kind: 'taobao',
        id: 't',
        endpoint: 'https://x.test',
        credentials: { appKey: 'a' },
      }).success,
    ).toBe(false)
  })

  it('refuses a webhook secret without the whsec_ prefix or too short, and a non-http endpoint', () => {
    const base = { kind: 'webhook', id: 'w', endpoint: 'https://x.test' }
    expect(targetSchema.safeParse({ ...base, credentials: { secrets: ['plain'] } }).success).toBe(false)
    expect(targetSchema.safeParse({ ...base, credentials: { secrets: ['whsec_c2hvcnQ='] } }).success).toBe(
      false,
    )
    expect(targetSchema.safeParse({ ...webhook, endpoint: 'ftp://x.test/a' }).success).toBe(false)
  })

  it('redacts secrets', () => {
    expect(redactTarget(webhook).credentials).toEqual({ secrets: '[redacted]' })
  })
})

describe('which events go where', () => {
  const kinds = ['webhook', 'kdniao', 'cainiao', 'taobao', 'douyin', 'pinduoduo', 'jd'] as const
  const matrix = (event: Parameters<typeof targetAccepts>[1]) =>
    kinds.filter((k) => adapterFor(k).accepts(event))

  it('sends tracking nodes to the webhook, Kdniao and (for Taobao orders) Cainiao', () => {
    expect(matrix(node())).toEqual(['webhook', 'kdniao', 'cainiao'])
    expect(matrix(node({ orders: [order('douyin')] }))).toEqual(['webhook', 'kdniao'])
  })

  it('sends a shipment confirmation to the webhook and to the platform of its order', () => {
    expect(matrix(shipment('tmall'))).toEqual(['webhook', 'taobao'])
    expect(matrix(shipment('douyin'))).toEqual(['webhook', 'douyin'])
    expect(matrix(shipment('pinduoduo'))).toEqual(['webhook', 'pinduoduo'])
    expect(matrix(shipment('jd'))).toEqual(['webhook', 'jd'])
  })

  it('sends temperature trails, excursions and alert steps by webhook only', () => {
    for (const event of [trail(), excursion(), excursion('excursion.cleared'), alert()]) {
      expect(matrix(event)).toEqual(['webhook'])
    }
  })

  it('honours the event-type subscription and the merchant of a per-merchant target', () => {
    expect(targetAccepts({ ...webhook, events: ['tracking.node'] }, trail())).toBe(false)
    expect(targetAccepts({ ...webhook, merchantId: 'm-1' }, node())).toBe(true)
    expect(targetAccepts({ ...webhook, merchantId: 'm-2' }, node())).toBe(false)
  })
})
