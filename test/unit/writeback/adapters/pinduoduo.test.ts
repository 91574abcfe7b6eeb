import { describe, expect, it } from 'vitest'
import { pinduoduoAdapter } from '../../../../src/writeback/adapters/pinduoduo.js'
import { pddSign } from '../../../../src/writeback/signing/pdd.js'
import { shipment, T0, target } from '../fixtures.js'

const creds = {
  pinduoduo: { clientId: 'cid', clientSecret: 'pdd-secret', accessToken: 'tok' },
} as Parameters<typeof target>[2]
const pdd = target('pinduoduo', 'https://gw.test', creds)
const ok = (body: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(body) })
const pddError = (error_code: number) =>
  ok({ error_response: { error_code, error_msg: 'x', sub_code: '', sub_msg: '' } })

describe('pinduoduo adapter', () => {
  it('posts the router form with unix-second timestamp and an uppercase MD5 sign', () => {
    const params = Object.fromEntries(
      new URLSearchParams(pinduoduoAdapter.buildRequest(shipment('pinduoduo'), pdd, T0).body),
    )
    expect(params).toMatchObject({
      type: 'pdd.logistics.online.send',
      client_id: 'cid',
      access_token: 'tok',
      timestamp: String(T0 / 1000),
      data_type: 'JSON',
      version: 'V1',
      order_sn: '260301-123456789',
      logistics_id: '44',
      tracking_number: 'SF1234567890',
    })
    // The same parameters as the Python known answer in signing/pdd.test.ts.
    expect(params.sign).toBe('5B8F5BF4F4644CDA87D758F79E0FA41D')
    expect(params.sign).toBe(pddSign(params, 'pdd-secret'))
  })

  it('maps success, rate limit / system errors (retry) and others (permanent)', () => {
    expect(
      pinduoduoAdapter.parseReply(ok({ logistics_online_send_response: { is_success: true } }), T0),
    ).toEqual({
      result: 'delivered',
    })
    expect(
      pinduoduoAdapter.parseReply(ok({ logistics_online_send_response: { is_success: false } }), T0).result,
    ).toBe('permanent')
    expect(pinduoduoAdapter.parseReply(pddError(70031), T0).result).toBe('retry')
    expect(pinduoduoAdapter.parseReply(pddError(50001), T0).result).toBe('retry')
    expect(pinduoduoAdapter.parseReply(pddError(10016), T0)).toMatchObject({
      result: 'permanent',
      reason: 'PDD 10016 x',
    })
  })
})
