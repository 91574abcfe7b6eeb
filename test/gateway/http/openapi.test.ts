import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, harness } from './harness.js'

let h: Harness
beforeEach(async () => {
  h = await harness()
})
afterEach(() => h.close())

describe('API documentation', () => {
  it('serves the OpenAPI document listing every route with its method', async () => {
    const res = await h.request('GET', '/openapi.json', { token: null })
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    expect(doc.openapi).toBe('3.1.0')
    const operations = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    )
    expect(operations.sort()).toEqual(
      [
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
        'POST /api/v1/devices',
        'GET /api/v1/devices',
        'GET /api/v1/devices/{id}',
        'PATCH /api/v1/devices/{id}',
        'POST /api/v1/devices/{id}/secret',
        'GET /api/v1/devices/{id}/readings',
        'GET /api/v1/dead-letters',
        'GET /api/v1/alerts',
        'GET /api/v1/alerts/{id}',
        'POST /api/v1/alerts/{id}/ack',
        'POST /api/v1/alerts/{id}/resolve',
        'GET /api/v1/events',
        'POST /api/v1/tokens',
        'GET /api/v1/tokens',
        'DELETE /api/v1/tokens/{id}',
        'POST /api/v1/platforms',
        'GET /api/v1/platforms',
        'GET /api/v1/platforms/{id}',
        'PATCH /api/v1/platforms/{id}',
        'GET /api/v1/outbox',
        'GET /api/v1/outbox/{id}',
        'POST /api/v1/outbox/{id}/replay',
        'POST /api/v1/outbox/replay',
        'POST /api/v1/orders',
        'POST /api/v1/orders/bulk',
        'GET /api/v1/orders',
        'GET /api/v1/orders/{id}',
        'POST /api/v1/orders/{id}/split',
        'GET /api/v1/orders/{id}/trail',
        'POST /api/v1/waybills/merge',
        'GET /api/v1/waybills/{no}',
        'GET /api/v1/waybills/{no}/trail',
        'GET /api/v1/profiles',
        'GET /api/v1/profiles/{name}',
        'PUT /api/v1/profiles/{name}',
      ].sort(),
    )
  })

  it('documents bearer security and the error shape on protected routes', async () => {
    const doc = (await h.request('GET', '/openapi.json')).json()
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    const register = doc.paths['/api/v1/devices'].post
    expect(register.security).toEqual([{ bearer: [] }])
    expect(register.responses['409'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ApiError',
    })
    expect(doc.components.schemas.ApiError.required).toEqual(['code', 'message'])
    expect(doc.components.schemas.DeviceWithSecret.required).toContain('secret')
  })

  it('serves Swagger UI and its assets from the gateway itself', async () => {
    const page = await h.request('GET', '/docs/', { token: null })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/text\/html/)
    expect(page.body).not.toMatch(/<script[^>]+src="https?:/)
    const bundle = await h.request('GET', '/docs/static/swagger-ui-bundle.js', { token: null })
    expect(bundle.statusCode).toBe(200)
  })
})
