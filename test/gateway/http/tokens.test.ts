import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, harness } from './harness.js'

let h: Harness
beforeEach(async () => {
  h = await harness()
})
afterEach(() => h.close())

const create = (body: Record<string, unknown>) => h.request('POST', '/api/v1/tokens', { body })

describe('/api/v1/tokens', () => {
  it('creates a token that works at once and is shown only in the create reply', async () => {
    const res = await create({ role: 'ops', label: 'night shift' })
    expect(res.statusCode).toBe(201)
    const created = res.json()
    expect(created).toEqual({
      id: expect.any(String),
      role: 'ops',
      merchant: null,
      label: 'night shift',
      createdAt: '2025-03-01T08:00:00.000Z',
      revokedAt: null,
      token: expect.stringMatching(/^cc_/),
    })
    expect((await h.request('GET', '/api/v1/devices', { token: created.token })).statusCode).toBe(200)
    const listed = await h.request('GET', '/api/v1/tokens')
    expect(listed.body).not.toContain(created.token)
    expect(listed.body).not.toContain('sha256')
    expect(listed.json().items).toContainEqual({ ...created, token: undefined })
  })

  it('scopes merchant tokens to a merchant and refuses a merchant on other roles', async () => {
    expect((await create({ role: 'merchant', merchant: 'm-9' })).json()).toMatchObject({
      role: 'merchant',
      merchant: 'm-9',
    })
    expect((await create({ role: 'merchant' })).statusCode).toBe(400)
    expect((await create({ role: 'ops', merchant: 'm-9' })).statusCode).toBe(400)
    expect((await create({ role: 'root' })).statusCode).toBe(400)
  })

  it('revokes a token at once and keeps it listed with its revocation time', async () => {
    const { id, token } = (await create({ role: 'ops' })).json()
    const res = await h.request('DELETE', `/api/v1/tokens/${id}`)
    expect(res.json()).toMatchObject({ id, revokedAt: '2025-03-01T08:00:00.000Z' })
    expect((await h.request('GET', '/api/v1/devices', { token })).statusCode).toBe(401)
    expect((await h.request('DELETE', '/api/v1/tokens/nope')).statusCode).toBe(404)
  })

  it('refuses to revoke the last live admin token', async () => {
    const admin = h.tokens.verify(h.admin)
    const res = await h.request('DELETE', `/api/v1/tokens/${admin?.id}`)
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('CONFLICT')
  })

  it('is for admins only', async () => {
    for (const token of [h.ops, h.merchant]) {
      expect((await h.request('GET', '/api/v1/tokens', { token })).statusCode).toBe(403)
      expect((await h.request('POST', '/api/v1/tokens', { token, body: { role: 'admin' } })).statusCode).toBe(
        403,
      )
    }
  })
})
