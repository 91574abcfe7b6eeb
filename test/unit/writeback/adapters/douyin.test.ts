import { describe, expect, it } from 'vitest'
import { douyinAdapter } from '../../../../src/writeback/adapters/douyin.js'
import { douyinSign } from '../../../../src/writeback/signing/douyin.js'
import { shipment, T0, target } from '../fixtures.js'

const creds = {
  douyin: { appKey: '7000000000000000001', appSecret: 'dy-secret', accessToken: 'dy-token' },
} as Parameters<typeof target>[2]
const dy = target('douyin', 'https://openapi.test', creds, { endpoint: 'https://openapi.test/douyin/' })
const ok = (body: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(body) })

describe('douyin adapter', () => {
  it('posts sorted compact param_json to the method path with the common parameters in the query', () => {
    const req = douyinAdapter.buildRequest(shipment('douyin'), dy, T0)
    const url = new URL(req.url)
    expect(url.origin + url.pathname).toBe('https://openapi.test/douyin/order/logisticsAdd')
    expect(req.body).toBe(
      '{"company_code":"shunfeng","logistics_code":"SF1234567890","order_id":"4810000000000001"}',
    )
    expect(req.headers['content-type']).toMatch(/^application\/json/)
    const q = Object.fromEntries(url.searchParams)
    expect(q).toMatchObject({
      app_key: '7000000000000000001',
      method: 'order.logisticsAdd',
      access_token: 'dy-token',
      timestamp: '2026-03-01 10:00:00',
      v: '2',
      sign_method: 'hmac-sha256',
    })
    expect(q.sign).toBe(
      douyinSign(
        {
          appKey: q.app_key as string,
          method: 'order.logisticsAdd',
          paramJson: req.body,
          timestamp: q.timestamp as string,
          v: '2',
        },
        'dy-secret',
      ),
    )
  })

  it('can send the timestamp as unix seconds', () => {
    const unix = target('douyin', 'https://openapi.test', creds, {
      credentials: { ...creds.douyin, timestampFormat: 'unix' },
    })
    const url = new URL(douyinAdapter.buildRequest(shipment('douyin'), unix, T0).url)
    expect(url.searchParams.get('timestamp')).toBe(String(T0 / 1000))
  })

  it('reads both reply envelopes', () => {
    expect(douyinAdapter.parseReply(ok({ err_no: 0, message: 'success', data: {} }), T0)).toEqual({
      result: 'delivered',
    })
    expect(douyinAdapter.parseReply(ok({ code: 10000, msg: 'success' }), T0)).toEqual({ result: 'delivered' })
    expect(douyinAdapter.parseReply(ok({ code: 10000, err_no: 0 }), T0)).toEqual({ result: 'delivered' })
  })

  it('retries service errors and refuses caller errors', () => {
    expect(
      douyinAdapter.parseReply(ok({ code: 20000, msg: '服务不可用', sub_code: 'isp.service-error' }), T0)
        .result,
    ).toBe('retry')
    expect(douyinAdapter.parseReply(ok({ err_no: 30002, message: 'sign' }), T0)).toMatchObject({
      result: 'permanent',
      reason: 'Douyin 30002 sign',
    })
    expect(
      douyinAdapter.parseReply(ok({ code: 40002, err_no: 40002, sub_code: 'isv.parameter-invalid' }), T0)
        .result,
    ).toBe('permanent')
  })
})
