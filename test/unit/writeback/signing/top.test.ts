import { describe, expect, it } from 'vitest'
import { topSign, topSignString } from '../../../../src/writeback/signing/top.js'

// specs/platforms.md, Taobao TOP vector.
const params = {
  method: 'taobao.logistics.online.send',
  app_key: '12345678',
  session: 'test',
  timestamp: '2016-01-01 12:00:00',
  format: 'json',
  v: '2.0',
  tid: '123456789',
  out_sid: 'SF1234567890',
  company_code: 'SF',
}

describe('TOP sign', () => {
  it.each([
    ['md5', '5F16BB9C4D976EC8D5279387B1303DE5'],
    ['hmac', '0F05F97A546F34B93D9C2CE85F98E611'],
    ['hmac-sha256', 'FE72BF58CFED0C95A520775E56A4BEE23346E1677CC3A3D095B9A6DF52F020F7'],
  ] as const)('matches the spec vector for %s', (method, expected) => {
    expect(topSign({ ...params, sign_method: method }, 'helloworld', method)).toBe(expected)
  })

  it('sorts by key, skips empty values and the sign itself, and appends the body', () => {
    expect(topSignString({ b: '2', a: '1', c: '', d: undefined, sign: 'X' }, 'BODY')).toBe('a1b2BODY')
  })

  it('gives the same sign whether an empty parameter is present or not', () => {
    const base = { ...params, sign_method: 'md5' }
    expect(topSign({ ...base, is_split: '' }, 'helloworld', 'md5')).toBe(topSign(base, 'helloworld', 'md5'))
  })
})
