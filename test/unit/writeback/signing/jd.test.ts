import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { jdSign } from '../../../../src/writeback/signing/jd.js'

const params = {
  method: 'jingdong.pop.order.shipment',
  access_token: 'jdtok',
  app_key: 'jdkey',
  timestamp: '2026-03-01 10:00:00',
  v: '2.0',
  format: 'json',
  '360buy_param_json': '{"orderId":"2300000001","logiCoprId":"467","logiNo":"SF1234567890"}',
}

describe('JD sign', () => {
  it('matches a known answer computed with Python hashlib', () => {
    expect(jdSign(params, 'jd-secret')).toBe('86CF16D030A17A765B43C99CFBEA5558')
  })

  it('includes 360buy_param_json in the sorted string, which sorts first', () => {
    const s =
      '360buy_param_json{"orderId":"2300000001","logiCoprId":"467","logiNo":"SF1234567890"}' +
      'access_tokenjdtokapp_keyjdkeyformatjsonmethodjingdong.pop.order.shipmenttimestamp2026-03-01 10:00:00v2.0'
    expect(jdSign({ ...params, sign: 'X' }, 'jd-secret')).toBe(
      createHash('md5').update(`jd-secret${s}jd-secret`).digest('hex').toUpperCase(),
    )
  })
})
