import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { CredentialCache } from '../../../gateway/broker/credential-cache.js'
import { hashSecret, verifySecret } from '../../../src/auth/secrets.js'
import { type Harness, SECRET, startBroker } from './harness.js'

vi.mock('../../../src/auth/secrets.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../src/auth/secrets.js')>()
  return { ...original, verifySecret: vi.fn(original.verifySecret) }
})

const scrypts = () => vi.mocked(verifySecret).mock.calls.length
const secret = Buffer.from(SECRET)

describe('credential cache', () => {
  let stored: string
  beforeEach(async () => {
    stored = await hashSecret(SECRET, 10)
    vi.mocked(verifySecret).mockClear()
  })

  it('runs scrypt once for repeated verifications of the same secret', async () => {
    const cache = new CredentialCache()
    for (let i = 0; i < 5; i++) expect(await cache.verify('box-1', secret, stored)).toBe(true)
    expect(scrypts()).toBe(1)
  })

  it('shares one scrypt between verifications running at the same time', async () => {
    const cache = new CredentialCache()
    const results = await Promise.all(Array.from({ length: 10 }, () => cache.verify('box-1', secret, stored)))
    expect(results.every(Boolean)).toBe(true)
    expect(scrypts()).toBe(1)
  })

  it('never remembers a wrong secret', async () => {
    const cache = new CredentialCache()
    expect(await cache.verify('box-1', Buffer.from('wrong'), stored)).toBe(false)
    expect(await cache.verify('box-1', Buffer.from('wrong'), stored)).toBe(false)
    expect(scrypts()).toBe(2)
  })

  it('misses once the stored hash changes or the device is forgotten', async () => {
    const cache = new CredentialCache()
    await cache.verify('box-1', secret, stored)
    const rotated = await hashSecret(SECRET, 10)
    expect(await cache.verify('box-1', secret, rotated)).toBe(true)
    expect(scrypts()).toBe(2)
    cache.forget('box-1')
    expect(await cache.verify('box-1', secret, rotated)).toBe(true)
    expect(scrypts()).toBe(3)
  })

  it('keeps at most its configured number of devices', async () => {
    const cache = new CredentialCache(2)
    for (const id of ['a', 'b', 'c']) await cache.verify(id, secret, stored)
    expect(cache.size).toBe(2)
  })
})

describe('broker under a reconnect storm', () => {
  let h: Harness
  beforeEach(async () => {
    h = await startBroker()
    await h.addDevice('box-1')
    vi.mocked(verifySecret).mockClear()
  })
  afterEach(() => h.close())

  it('verifies a device secret with scrypt once across reconnects', async () => {
    for (let i = 0; i < 5; i++) {
      const client = await h.connect('box-1')
      client.end(true)
    }
    const many = await Promise.all(
      Array.from({ length: 10 }, (_, i) => h.connect('box-1', { clientId: `c${i}` })),
    )
    expect(many.every((c) => c.connected)).toBe(true)
    expect(scrypts()).toBe(1)
  })

  it('runs scrypt again after disconnect() forgot the device', async () => {
    ;(await h.connect('box-1')).end(true)
    h.broker.disconnect('box-1')
    ;(await h.connect('box-1')).end(true)
    expect(scrypts()).toBe(2)
  })
})
