import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { pddSign } from '../../../../src/writeback/signing/pdd.js'

const params = {
  type: 'pdd.logistics.online.send',
  client_id: 'cid',
  access_token: 'tok',
  timestamp: '1772330400',
  data_type: 'JSON',
  version: 'V1',
  order_sn: '260301-123456789',
  logistics_id: '44',
  tracking_number: 'SF1234567890',
}

describe('Pinduoduo sign', () => {
  it('matches a known answer computed with Python hashlib', () => {
    expect(pddSign(params, 'pdd-secret')).toBe('5B8F5BF4F4644CDA87D758F79E0FA41D')
  })

  it('ignores a sign parameter already present', () => {
    expect(pddSign({ ...params, sign: 'OLD' }, 'pdd-secret')).toBe('5B8F5BF4F4644CDA87D758F79E0FA41D')
  })

  it('turns object values into JSON text and numbers into their decimal text', () => {
    const withObject = { type: 'pdd.x', client_id: 'cid', timestamp: 1, obj: { b: 1, a: [1, 2] } }
    // Python: md5('sec' + 'client_idcidobj{"b":1,"a":[1,2]}timestamp1typepdd.x' + 'sec').upper()
    expect(pddSign(withObject, 'sec')).toBe('96A52C04A33318F0A1AB06E9086AA5B2')
    const s = 'client_idcidobj{"b":1,"a":[1,2]}timestamp1typepdd.x'
    expect(pddSign(withObject, 'sec')).toBe(
      createHash('md5').update(`sec${s}sec`).digest('hex').toUpperCase(),
    )
  })
})
