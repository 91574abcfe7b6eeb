import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalJson, douyinEventSign, douyinSign } from '../../../../src/writeback/signing/douyin.js'

describe('Douyin param_json', () => {
  it('is compact with keys sorted at every depth, arrays kept in order', () => {
    const value = { z: 1, a: { y: [3, { d: 1, c: 2 }], b: 'x y' }, m: null, u: undefined }
    expect(canonicalJson(value)).toBe('{"a":{"b":"x y","y":[3,{"c":2,"d":1}]},"m":null,"z":1}')
  })

  it('sorts integer-like keys as text, not in JavaScript property order', () => {
    expect(canonicalJson({ 10: 'a', 9: 'b', a: 'c' })).toBe('{"10":"a","9":"b","a":"c"}')
  })
})

describe('Douyin sign', () => {
  const paramJson = canonicalJson({
    order_id: '4810000000000001',
    logistics_code: 'SF1234567890',
    company_code: 'shunfeng',
  })
  const input = {
    appKey: '7000000000000000001',
    method: 'order.logisticsAdd',
    paramJson,
    timestamp: '2026-03-01 10:00:00',
    v: '2',
  }

  it('matches a known answer computed with Python (json.dumps sort_keys, hmac sha256)', () => {
    expect(paramJson).toBe(
      '{"company_code":"shunfeng","logistics_code":"SF1234567890","order_id":"4810000000000001"}',
    )
    expect(douyinSign(input, 'douyin-secret')).toBe(
      '28eb6e1acc10be23548785688165062ab92432416932f36687107a947210e62a',
    )
  })

  it('follows the recipe step by step', () => {
    const s = `douyin-secretapp_key${input.appKey}method${input.method}param_json${paramJson}timestamp${input.timestamp}v2douyin-secret`
    expect(douyinSign(input, 'douyin-secret')).toBe(
      createHmac('sha256', 'douyin-secret').update(s).digest('hex'),
    )
  })

  it('computes the event-sign of platform callbacks as lowercase hex MD5(app_key + body + secret)', () => {
    // md5("k{}s"), checked with Python hashlib.
    expect(douyinEventSign('k', '{}', 's')).toBe('4fdef62adf72fa00910b42a56a88cec4')
  })
})
