import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { verifySecret } from '../../../src/auth/secrets.js'
import { type Harness, harness } from './harness.js'

let h: Harness
beforeEach(async () => {
  h = await harness()
})
afterEach(() => h.close())

const register = (body: Record<string, unknown>) => h.request('POST', '/api/v1/devices', { body })

async function storedSecretMatches(id: string, secret: string): Promise<boolean> {
  return verifySecret(secret, h.devices.credentials(id)?.secretHash as string)
}

describe('/api/v1/devices', () => {
  it('registers a device and returns its secret once, keeping only a hash', async () => {
    const res = await register({
      id: 'truck-7',
      kind: 'truck_sensor',
      label: 'Truck 7 reefer',
      container: 'TRK-7',
    })
    expect(res.statusCode).toBe(201)
    const body = res.json()
    expect(body).toEqual({
      id: 'truck-7',
      kind: 'truck_sensor',
      label: 'Truck 7 reefer',
      container: 'TRK-7',
      enabled: true,
      createdAt: '2025-03-01T08:00:00.000Z',
      updatedAt: '2025-03-01T08:00:00.000Z',
      lastSeenAt: null,
      secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    })
    expect(await storedSecretMatches('truck-7', body.secret)).toBe(true)
    expect(h.devices.credentials('truck-7')?.secretHash).not.toContain(body.secret)
    const again = await h.request('GET', '/api/v1/devices/truck-7')
    expect(again.json()).not.toHaveProperty('secret')
  })

  it('answers 409 CONFLICT when the id exists already', async () => {
    await register({ id: 'box-1', kind: 'box_sensor' })
    const res = await register({ id: 'box-1', kind: 'scanner' })
    expect(res.statusCode).toBe(409)
    expect(res.json().code).toBe('CONFLICT')
  })

  it('refuses ids that cannot be a topic level, unknown kinds and unknown fields', async () => {
    for (const body of [
      { id: 'cc/+/x', kind: 'box_sensor' },
      { id: 'box-2', kind: 'fridge' },
      { id: 'box-2', kind: 'box_sensor', enabled: false },
    ]) {
      const res = await register(body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
      expect(res.json().code).toBe('VALIDATION_FAILED')
    }
  })

  it('lists devices by id a page at a time, with a cursor to the next page', async () => {
    for (const id of ['d-3', 'd-1', 'd-5', 'd-2', 'd-4'])
      h.devices.create({ id, kind: 'box_sensor', secretHash: 'x' })
    const first = (await h.request('GET', '/api/v1/devices?limit=2', { token: h.ops })).json()
    expect(first.items.map((d: { id: string }) => d.id)).toEqual(['d-1', 'd-2'])
    expect(first.next).toBe('d-2')
    const second = (await h.request('GET', `/api/v1/devices?limit=2&after=${first.next}`)).json()
    expect(second.items.map((d: { id: string }) => d.id)).toEqual(['d-3', 'd-4'])
    const last = (await h.request('GET', `/api/v1/devices?limit=2&after=${second.next}`)).json()
    expect(last).toMatchObject({ items: [{ id: 'd-5' }], next: null })
  })

  it('filters the list by kind', async () => {
    h.devices.create({ id: 'scan-1', kind: 'scanner', secretHash: 'x' })
    h.devices.create({ id: 'box-1', kind: 'box_sensor', secretHash: 'x' })
    const res = await h.request('GET', '/api/v1/devices?kind=scanner')
    expect(res.json().items.map((d: { id: string }) => d.id)).toEqual(['scan-1'])
  })

  it('answers 404 NOT_FOUND for an unknown device', async () => {
    const res = await h.request('GET', '/api/v1/devices/ghost')
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('NOT_FOUND')
  })

  it('changes label and container, and unmounts with a null container', async () => {
    await register({ id: 'box-1', kind: 'box_sensor', container: 'BOX-1' })
    const relabelled = await h.request('PATCH', '/api/v1/devices/box-1', { body: { label: 'Parcel box 1' } })
    expect(relabelled.json()).toMatchObject({ label: 'Parcel box 1', container: 'BOX-1' })
    const unmounted = await h.request('PATCH', '/api/v1/devices/box-1', { body: { container: null } })
    expect(unmounted.json()).toMatchObject({ label: 'Parcel box 1', container: null })
    expect(h.broker.disconnected).toEqual([])
  })

  it('refuses an empty change and a change to an unknown device', async () => {
    await register({ id: 'box-1', kind: 'box_sensor' })
    expect((await h.request('PATCH', '/api/v1/devices/box-1', { body: {} })).statusCode).toBe(400)
    expect((await h.request('PATCH', '/api/v1/devices/ghost', { body: { label: 'x' } })).statusCode).toBe(404)
  })

  it('disconnects a device at once when it is disabled, and leaves ops unable to change it', async () => {
    await register({ id: 'box-1', kind: 'box_sensor' })
    const denied = await h.request('PATCH', '/api/v1/devices/box-1', {
      token: h.ops,
      body: { enabled: false },
    })
    expect(denied.statusCode).toBe(403)
    const res = await h.request('PATCH', '/api/v1/devices/box-1', { body: { enabled: false } })
    expect(res.json().enabled).toBe(false)
    expect(h.broker.disconnected).toEqual(['box-1'])
    await h.request('PATCH', '/api/v1/devices/box-1', { body: { enabled: true } })
    expect(h.broker.disconnected).toEqual(['box-1'])
  })

  it('rotates the secret: the new one is shown once, the old one stops working, the session is cut', async () => {
    const { secret: old } = (await register({ id: 'box-1', kind: 'box_sensor' })).json()
    const res = await h.request('POST', '/api/v1/devices/box-1/secret')
    expect(res.statusCode).toBe(200)
    const { secret } = res.json()
    expect(secret).not.toBe(old)
    expect(await storedSecretMatches('box-1', secret)).toBe(true)
    expect(await storedSecretMatches('box-1', old)).toBe(false)
    expect(h.broker.disconnected).toEqual(['box-1'])
    expect((await h.request('POST', '/api/v1/devices/ghost/secret')).statusCode).toBe(404)
  })
})
