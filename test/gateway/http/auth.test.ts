import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, harness } from './harness.js'

let h: Harness
beforeEach(async () => {
  h = await harness()
})
afterEach(() => h.close())

describe('bearer-token authentication', () => {
  it('answers 401 UNAUTHENTICATED, naming the Bearer scheme, when no token comes', async () => {
    const res = await h.request('GET', '/api/v1/devices', { token: null })
    expect(res.statusCode).toBe(401)
    expect(res.json()).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) })
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /)
  })

  it('answers 401 for an unknown token, a revoked one and a non-bearer scheme', async () => {
    const revoked = h.tokens.create({ role: 'ops' })
    h.tokens.revoke(revoked.id)
    for (const authorization of [
      `Bearer cc_0123456789abcdef_${'x'.repeat(43)}`,
      `Bearer ${revoked.token}`,
      'Basic YWRtaW46YWRtaW4=',
    ]) {
      const res = await h.app.inject({ method: 'GET', url: '/api/v1/devices', headers: { authorization } })
      expect(res.statusCode).toBe(401)
      expect(res.json().code).toBe('UNAUTHENTICATED')
    }
  })

  it('answers 403 FORBIDDEN when the role may not do this', async () => {
    const res = await h.request('POST', '/api/v1/devices', {
      token: h.ops,
      body: { id: 'box-1', kind: 'box_sensor' },
    })
    expect(res.statusCode).toBe(403)
    expect(res.json().code).toBe('FORBIDDEN')
  })

  it('keeps merchant tokens out of devices, readings and dead letters', async () => {
    h.devices.create({ id: 'box-1', kind: 'box_sensor', secretHash: 'x' })
    for (const url of [
      '/api/v1/devices',
      '/api/v1/devices/box-1',
      '/api/v1/devices/box-1/readings',
      '/api/v1/dead-letters',
    ]) {
      const res = await h.request('GET', url, { token: h.merchant })
      expect(res.statusCode, url).toBe(403)
      expect(res.json().code).toBe('FORBIDDEN')
    }
  })

  it('lets ops tokens read devices', async () => {
    const res = await h.request('GET', '/api/v1/devices', { token: h.ops })
    expect(res.statusCode).toBe(200)
  })

  it('refuses a caller without access before reading its body', async () => {
    const res = await h.request('POST', '/api/v1/devices', {
      token: null,
      body: { junk: 'x'.repeat(5 * 1024 * 1024) },
    })
    expect(res.statusCode).toBe(401)
  })

  it('ignores tokens on probes, so a stale one never fails a health check', async () => {
    const res = await h.request('GET', '/healthz', { token: 'stale' })
    expect(res.statusCode).toBe(200)
  })

  it('never writes a token to the log', async () => {
    await h.request('GET', '/api/v1/devices', { token: h.admin })
    await h.request('GET', '/api/v1/devices', { token: 'a-wrong-token-that-must-not-be-logged' })
    const text = h.logs.join('')
    expect(text).not.toContain(h.admin)
    expect(text).not.toContain('a-wrong-token-that-must-not-be-logged')
  })
})
