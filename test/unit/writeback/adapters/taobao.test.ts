import { describe, expect, it } from 'vitest'
import { taobaoAdapter } from '../../../../src/writeback/adapters/taobao.js'
import { topSign } from '../../../../src/writeback/signing/top.js'
import { node, shipment, T0, target } from '../fixtures.js'

const creds = { taobao: { appKey: '12345678', appSecret: 'top-secret', session: 'sess' } } as Parameters<
  typeof target
>[2]
const top = (signMethod: string) =>
  target('taobao', 'https://gw.test', creds, {
    credentials: { ...creds.taobao, signMethod },
    carrierCodes: { SF: 'SF' },
  })
const ok = (body: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(body) })
const topError = (code: number, sub_code?: string, sub_msg?: string) =>
  ok({ error_response: { code, msg: 'x', sub_code, sub_msg, request_id: 'r' } })

describe('taobao adapter', () => {
  it.each(['md5', 'hmac', 'hmac-sha256'])('signs every parameter with %s', (method) => {
    const req = taobaoAdapter.buildRequest(shipment('taobao'), top(method), T0)
    const params = Object.fromEntries(new URLSearchParams(req.body))
    expect(params).toMatchObject({
      method: 'taobao.logistics.online.send',
      app_key: '12345678',
      session: 'sess',
      timestamp: '2026-03-01 10:00:00',
      v: '2.0',
      format: 'json',
      sign_method: method,
      tid: '123456789012',
      out_sid: 'SF1234567890',
      company_code: 'SF',
    })
    expect(params.sign).toBe(topSign(params, 'top-secret', method as 'md5'))
  })

  it('marks a split shipment with is_split and sub_tid', () => {
    const req = taobaoAdapter.buildRequest(
      shipment('tmall', { split: { subOrderIds: ['11', '12'] } }),
      top('md5'),
      T0,
    )
    expect(Object.fromEntries(new URLSearchParams(req.body))).toMatchObject({
      is_split: '1',
      sub_tid: '11,12',
    })
  })

  it('takes shipment confirmations of Taobao and Tmall orders only', () => {
    expect(taobaoAdapter.accepts(shipment('taobao'))).toBe(true)
    expect(taobaoAdapter.accepts(shipment('jd'))).toBe(false)
    expect(taobaoAdapter.accepts(node())).toBe(false)
  })

  it('maps success, call limits, isp errors and caller errors', () => {
    expect(
      taobaoAdapter.parseReply(
        ok({ logistics_online_send_response: { shipping: { is_success: true } } }),
        T0,
      ),
    ).toEqual({
      result: 'delivered',
    })
    expect(
      taobaoAdapter.parseReply(
        topError(7, 'accesscontrol.limited-by-app-access-count', 'This ban will last for 3 more seconds'),
        T0,
      ),
    ).toMatchObject({
      result: 'retry',
      retryAfterMs: 3000,
    })
    expect(taobaoAdapter.parseReply(topError(15, 'isp.remote-service-error'), T0).result).toBe('retry')
    expect(taobaoAdapter.parseReply(topError(25), T0)).toMatchObject({
      result: 'permanent',
      reason: 'TOP 25 x',
    })
    expect(taobaoAdapter.parseReply(topError(15, 'isv.logistics-online-send-error'), T0).result).toBe(
      'permanent',
    )
  })
})
