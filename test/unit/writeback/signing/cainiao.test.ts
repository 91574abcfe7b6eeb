import { describe, expect, it } from 'vitest'
import { cainiaoDataDigest } from '../../../../src/writeback/signing/cainiao.js'

describe('Cainiao data_digest', () => {
  it('matches the official vector', () => {
    expect(cainiaoDataDigest('hello1234', 'key123')).toBe('ufYU7rvXhHY3IDyZgyt6SA==')
  })

  it('hashes the UTF-8 bytes of Chinese text', () => {
    // Hand-verified with an independent MD5 (Python hashlib): md5("上海key").digest() in base64.
    expect(cainiaoDataDigest('上海', 'key')).toBe(
      Buffer.from('f28822ba0f7c484130fbf7d2d32c3da7', 'hex').toString('base64'),
    )
  })
})
