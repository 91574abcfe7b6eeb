import { afterEach, describe, expect, it } from 'vitest'
import { DeviceRepository } from '../../../src/store/devices.js'
import { type Harness, harness } from './harness.js'

let h: Harness
afterEach(() => h.close())

class BrokenDevices extends DeviceRepository {
  override list(): never {
    throw new Error('disk I/O error at /var/lib/secret-place')
  }
}

describe('error replies', () => {
  it('answers 400 VALIDATION_FAILED listing every issue with where it is', async () => {
    h = await harness()
    const res = await h.request('POST', '/api/v1/devices', { body: { id: '', kind: 'fridge', label: 7 } })
    expect(res.statusCode).toBe(400)
    const body = res.json()
    expect(body.code).toBe('VALIDATION_FAILED')
    expect(body.details.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'body', path: '/id' }),
        expect.objectContaining({ in: 'body', path: '/kind' }),
        expect.objectContaining({ in: 'body', path: '/label' }),
      ]),
    )
  })

  it('answers 400 VALIDATION_FAILED for a body that is not JSON', async () => {
    h = await harness()
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: { authorization: `Bearer ${h.admin}`, 'content-type': 'application/json' },
      payload: '{"id":',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('VALIDATION_FAILED')
  })

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for a body that is not JSON by content type', async () => {
    h = await harness()
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/devices',
      headers: { authorization: `Bearer ${h.admin}`, 'content-type': 'application/xml' },
      payload: '<device/>',
    })
    expect(res.statusCode).toBe(415)
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })

  it('answers 404 NOT_FOUND in the same shape for unknown routes and methods', async () => {
    h = await harness()
    for (const [method, url] of [
      ['GET', '/api/v1/nothing?x=1'],
      ['DELETE', '/api/v1/devices'],
    ] as const) {
      const res = await h.request(method, url)
      expect(res.statusCode).toBe(404)
      expect(res.json()).toEqual({
        code: 'NOT_FOUND',
        message: expect.stringContaining(url.split('?')[0] as string),
      })
    }
  })

  it('answers 413 PAYLOAD_TOO_LARGE past the configured body limit', async () => {
    h = await harness({ config: { http: { bodyLimitBytes: 1024 } } })
    const res = await h.request('POST', '/api/v1/devices', {
      body: { id: 'box-1', kind: 'box_sensor', label: 'x'.repeat(2000) },
    })
    expect(res.statusCode).toBe(413)
    expect(res.json().code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('answers 500 INTERNAL with the request id only, and logs the cause under that id', async () => {
    h = await harness({ devices: (db, clock) => new BrokenDevices(db, clock) })
    const res = await h.request('GET', '/api/v1/devices')
    expect(res.statusCode).toBe(500)
    const requestId = res.headers['x-request-id']
    expect(res.json()).toEqual({ code: 'INTERNAL', message: expect.any(String), details: { requestId } })
    expect(res.body).not.toContain('secret-place')
    expect(res.body).not.toMatch(/\n\s+at /)
    const logged = h.logs.map((line) => JSON.parse(line)).find((entry) => entry.err)
    expect(logged).toMatchObject({
      level: 50,
      reqId: requestId,
      err: { message: expect.stringContaining('disk I/O') },
    })
  })

  it('gives every reply a request id', async () => {
    h = await harness()
    const res = await h.request('GET', '/healthz')
    expect(res.headers['x-request-id']).toEqual(expect.any(String))
  })
})
