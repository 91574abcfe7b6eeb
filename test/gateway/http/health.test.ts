import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, harness } from './harness.js'

let h: Harness
beforeEach(async () => {
  h = await harness()
})
afterEach(() => h.close())

describe('probes and metrics', () => {
  it('answers /healthz without a token', async () => {
    const res = await h.request('GET', '/healthz', { token: null })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok' })
  })

  it('is ready when the store answers and the broker accepts devices', async () => {
    const res = await h.request('GET', '/readyz', { token: null })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ready', checks: { store: true, broker: true } })
  })

  it('answers /readyz 503 while the broker is not ready', async () => {
    h.broker.ready = false
    const res = await h.request('GET', '/readyz', { token: null })
    expect(res.statusCode).toBe(503)
    expect(res.json()).toEqual({ status: 'not_ready', checks: { store: true, broker: false } })
  })

  it('answers /readyz 503 when the store is closed', async () => {
    h.db.close()
    const res = await h.request('GET', '/readyz', { token: null })
    expect(res.statusCode).toBe(503)
    expect(res.json().checks.store).toBe(false)
  })

  it('serves Prometheus text without a token, request durations included', async () => {
    h.metrics.deadLetters.inc({ reason: 'INGEST_BAD_JSON' })
    await h.request('GET', '/api/v1/devices')
    const res = await h.request('GET', '/metrics', { token: null })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(res.body).toContain('cc_dead_letters_total{reason="INGEST_BAD_JSON"} 1')
    expect(res.body).toMatch(
      /cc_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/devices",status="200"\} 1/,
    )
  })
})
