import { describe, expect, it } from 'vitest'
import { webhookAdapter } from '../../../../src/writeback/adapters/webhook.js'
import { verifyWebhook } from '../../../../src/writeback/signing/standard-webhooks.js'
import { excursion, node, order, T0, target, trail } from '../fixtures.js'

const secrets = [
  `whsec_${Buffer.from('0123456789abcdef01234567').toString('base64')}`,
  `whsec_${Buffer.from('fedcba9876543210fedcba98').toString('base64')}`,
]
const creds = { webhook: { secrets } } as Parameters<typeof target>[2]
const hook = target('webhook', 'https://merchant.test', creds)

describe('webhook adapter', () => {
  it('posts { type, id, timestamp, data } with the Standard Webhooks headers', () => {
    const req = webhookAdapter.buildRequest(node(), hook, T0)
    expect(req.url).toBe('https://merchant.test/webhook/merchant-1')
    expect(req.headers['content-type']).toMatch(/^application\/json/)
    expect(req.headers['webhook-id']).toBe('evt-node-1')
    expect(req.headers['webhook-timestamp']).toBe(String(T0 / 1000))
    const body = JSON.parse(req.body)
    expect(body).toMatchObject({
      type: 'tracking.node',
      id: 'evt-node-1',
      timestamp: new Date(T0 - 55_000).toISOString(),
    })
    expect(body.data).toMatchObject({
      waybill: 'SF1234567890',
      status: 'in_transit',
      temperature: { tempC: 3.4 },
    })
    expect(body.data.eventId).toBeUndefined()
  })

  it('signs with every secret so the receiver can rotate', () => {
    const req = webhookAdapter.buildRequest(node(), hook, T0)
    const header = req.headers['webhook-signature'] as string
    expect(header.split(' ')).toHaveLength(2)
    for (const secret of secrets) {
      expect(verifyWebhook([secret], header, 'evt-node-1', T0 / 1000, req.body, T0 / 1000)).toEqual({
        ok: true,
      })
    }
  })

  it('re-signs a retry with a fresh timestamp while the body and id stay the same', () => {
    const first = webhookAdapter.buildRequest(trail(), hook, T0)
    const retry = webhookAdapter.buildRequest(trail(), hook, T0 + 60_000)
    expect(retry.body).toBe(first.body)
    expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id'])
    expect(retry.headers['webhook-signature']).not.toBe(first.headers['webhook-signature'])
  })

  it('carries temperature trails and excursion notices', () => {
    expect(JSON.parse(webhookAdapter.buildRequest(trail(), hook, T0).body).data.points).toHaveLength(3)
    expect(JSON.parse(webhookAdapter.buildRequest(excursion(), hook, T0).body)).toMatchObject({
      type: 'excursion.opened',
      data: { excursionId: 'exc-1', peak: 11.5 },
    })
  })

  it("shows a per-merchant target only its merchant's orders of a merged waybill", () => {
    const merged = node({ orders: [order('taobao', 'm-1'), order('douyin', 'm-2')] })
    const scoped = target('webhook', 'https://merchant.test', creds, { merchantId: 'm-2' })
    const body = JSON.parse(webhookAdapter.buildRequest(merged, scoped, T0).body)
    expect(body.data.orders).toEqual([order('douyin', 'm-2')])
  })

  it('counts any 2xx as delivered without reading the body', () => {
    expect(webhookAdapter.parseReply({ status: 204, headers: {}, body: '' }, T0)).toEqual({
      result: 'delivered',
    })
    expect(webhookAdapter.parseReply({ status: 200, headers: {}, body: 'ok' }, T0)).toEqual({
      result: 'delivered',
    })
  })
})
