import { describe, expect, it } from 'vitest'
import { jdAdapter } from '../../../../src/writeback/adapters/jd.js'
import { jdSign } from '../../../../src/writeback/signing/jd.js'
import { shipment, T0, target } from '../fixtures.js'

const creds = { jd: { appKey: 'jdkey', appSecret: 'jd-secret', accessToken: 'jdtok' } } as Parameters<
  typeof target
>[2]
const jd = target('jd', 'https://api.jd.test', creds)
const ok = (body: unknown) => ({ status: 200, headers: {}, body: JSON.stringify(body) })

describe('jd adapter', () => {
  it('posts the router form with 360buy_param_json inside the signature', () => {
    const params = Object.fromEntries(
      new URLSearchParams(jdAdapter.buildRequest(shipment('jd'), jd, T0).body),
    )
    expect(params).toMatchObject({
      method: 'jingdong.pop.order.shipment',
      access_token: 'jdtok',
      app_key: 'jdkey',
      timestamp: '2026-03-01 10:00:00',
      v: '2.0',
      format: 'json',
    })
    expect(JSON.parse(params['360buy_param_json'] as string)).toEqual({
      orderId: '2300000001',
      logiCoprId: '467',
      logiNo: 'SF1234567890',
    })
    // The same parameters as the Python known answer in signing/jd.test.ts.
    expect(params.sign).toBe('86CF16D030A17A765B43C99CFBEA5558')
    expect(params.sign).toBe(jdSign(params, 'jd-secret'))
  })

  it('maps the …_responce envelope, busy (retry) and other errors (permanent)', () => {
    const success = (value: boolean) =>
      ok({
        jingdong_pop_order_shipment_responce: {
          code: '0',
          sopjosshipment_result: { success: value, errorCode: '', chineseErrCode: '' },
        },
      })
    expect(jdAdapter.parseReply(success(true), T0)).toEqual({ result: 'delivered' })
    expect(jdAdapter.parseReply(success(false), T0).result).toBe('permanent')
    expect(
      jdAdapter.parseReply(ok({ error_response: { code: '66', zh_desc: '繁忙', en_desc: 'busy' } }), T0)
        .result,
    ).toBe('retry')
    expect(
      jdAdapter.parseReply(
        ok({ error_response: { code: '19', zh_desc: '签名无效', en_desc: 'Invalid signature' } }),
        T0,
      ),
    ).toEqual({
      result: 'permanent',
      reason: 'JD 19 Invalid signature 签名无效',
    })
  })
})
