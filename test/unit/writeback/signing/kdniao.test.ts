import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { kdniaoDataSign } from '../../../../src/writeback/signing/kdniao.js'

const REQUEST_DATA = '{"EBusinessID":"1000001","PushTime":"2026-03-01 10:00:00","Count":"1","Data":[]}'

describe('Kdniao DataSign', () => {
  it('is Base64 of the lowercase hex MD5 text (known answer computed with Python hashlib)', () => {
    expect(kdniaoDataSign(REQUEST_DATA, 'abc123')).toBe('YjA2Njk4MmUwMzA0YTI4NzdkMWQ3YTQ3MDY4NWZjNjc=')
  })

  it('follows the recipe step by step', () => {
    const hex = createHash('md5').update(`${REQUEST_DATA}abc123`).digest('hex')
    expect(hex).toMatch(/^[0-9a-f]{32}$/)
    expect(kdniaoDataSign(REQUEST_DATA, 'abc123')).toBe(Buffer.from(hex).toString('base64'))
    // Not the Base64 of the raw 16-byte digest.
    expect(kdniaoDataSign(REQUEST_DATA, 'abc123')).not.toBe(Buffer.from(hex, 'hex').toString('base64'))
  })
})
