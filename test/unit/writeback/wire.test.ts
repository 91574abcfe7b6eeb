import { describe, expect, it } from 'vitest'
import { formBody, gmt8, unixSeconds } from '../../../src/writeback/adapters/wire.js'

describe('wire helpers', () => {
  it('writes China time whatever the host time zone, crossing midnight', () => {
    expect(gmt8(Date.UTC(2026, 2, 1, 2, 0, 0))).toBe('2026-03-01 10:00:00')
    expect(gmt8(Date.UTC(2025, 11, 31, 16, 0, 5))).toBe('2026-01-01 00:00:05')
  })

  it('floors epoch ms to unix seconds', () => {
    expect(unixSeconds(1_772_330_400_999)).toBe(1_772_330_400)
  })

  it('form-encodes once, percent-encoding base64 and UTF-8', () => {
    expect(formBody({ a: 'x+y/z=', b: '上 海' })).toBe('a=x%2By%2Fz%3D&b=%E4%B8%8A+%E6%B5%B7')
  })
})
