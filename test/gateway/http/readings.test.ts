import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Harness, harness, T0 } from './harness.js'

let h: Harness
beforeEach(async () => {
  h = await harness()
  h.devices.create({ id: 'box-1', kind: 'box_sensor', secretHash: 'x' })
  h.devices.create({ id: 'box-2', kind: 'box_sensor', secretHash: 'x' })
})
afterEach(() => h.close())

const MIN = 60_000

function insert(deviceId: string, seq: number, ts: number, extra: Record<string, unknown> = {}): void {
  const row = {
    deviceId,
    seq,
    ts,
    receivedAt: T0,
    tempC: 4.5,
    doorOpen: null,
    quality: 'ok',
    fault: null,
    ...extra,
  }
  h.db
    .prepare(
      `INSERT INTO readings (device_id, seq, ts, received_at, temp_c, door_open, quality, fault)
       VALUES (@deviceId, @seq, @ts, @receivedAt, @tempC, @doorOpen, @quality, @fault)`,
    )
    .run(row)
}

const seqs = (body: { items: { seq: number }[] }) => body.items.map((r) => r.seq)
const readings = (query: string, token?: string) =>
  h.request('GET', `/api/v1/devices/box-1/readings${query}`, token ? { token } : {})

describe('/api/v1/devices/:id/readings', () => {
  it('returns readings in device-time order, back-filled ones in place, with both clocks as ISO strings', async () => {
    insert('box-1', 1, T0 - 10 * MIN)
    insert('box-1', 2, T0 - 5 * MIN, { tempC: 99.9, quality: 'sensor_fault', fault: 'temp_c above 85' })
    // Uploaded an hour later from the device's buffer, with its original (earlier) timestamp.
    insert('box-1', 3, T0 - 20 * MIN, { receivedAt: T0 + 60 * MIN, doorOpen: 1 })
    insert('box-2', 1, T0 - 15 * MIN)
    const res = await readings('', h.ops)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({ deviceId: 'box-1', next: null })
    expect(seqs(body)).toEqual([3, 1, 2])
    expect(body.items[0]).toEqual({
      seq: 3,
      ts: '2025-03-01T07:40:00.000Z',
      receivedAt: '2025-03-01T09:00:00.000Z',
      tempC: 4.5,
      rh: null,
      doorOpen: true,
      lat: null,
      lon: null,
      batteryPct: null,
      quality: 'ok',
      fault: null,
    })
    expect(body.items[2]).toMatchObject({ quality: 'sensor_fault', fault: 'temp_c above 85', tempC: 99.9 })
  })

  it('selects a device-time range, `from` inclusive and `to` exclusive, in ISO or epoch ms', async () => {
    for (let seq = 0; seq < 6; seq++) insert('box-1', seq, T0 + seq * MIN)
    const iso = await readings(
      `?from=${new Date(T0 + MIN).toISOString()}&to=${new Date(T0 + 4 * MIN).toISOString()}`,
    )
    expect(seqs(iso.json())).toEqual([1, 2, 3])
    const epoch = await readings(`?from=${T0 + 2 * MIN}&to=${T0 + 3 * MIN}`)
    expect(seqs(epoch.json())).toEqual([2])
    const offset = await readings(`?from=${encodeURIComponent('2025-03-01T16:04:00+08:00')}`)
    expect(seqs(offset.json())).toEqual([4, 5])
  })

  it('pages through readings with an opaque cursor, ties on device time included, each reading once', async () => {
    for (const [seq, t] of [0, 1, 1, 1, 2, 3, 3].entries()) insert('box-1', seq, T0 + t * MIN)
    const seen: number[] = []
    let query = '?limit=2'
    let pages = 0
    for (;;) {
      const body = (await readings(query)).json()
      pages++
      seen.push(...seqs(body))
      if (!body.next) break
      expect(body.next).toMatch(/^[A-Za-z0-9_-]+$/)
      query = `?limit=2&cursor=${body.next}`
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(pages).toBe(4)
  })

  it('keeps the range while paging', async () => {
    for (let seq = 0; seq < 10; seq++) insert('box-1', seq, T0 + seq * MIN)
    const first = (await readings(`?from=${T0 + 2 * MIN}&to=${T0 + 7 * MIN}&limit=3`)).json()
    const second = (
      await readings(`?from=${T0 + 2 * MIN}&to=${T0 + 7 * MIN}&limit=3&cursor=${first.next}`)
    ).json()
    expect([...seqs(first), ...seqs(second)]).toEqual([2, 3, 4, 5, 6])
    expect(second.next).toBeNull()
  })

  it('caps a page at 5000 readings and defaults to 500', async () => {
    for (let seq = 0; seq < 501; seq++) insert('box-1', seq, T0 + seq)
    const body = (await readings('')).json()
    expect(body.items).toHaveLength(500)
    expect(body.next).not.toBeNull()
    expect((await readings('?limit=5001')).statusCode).toBe(400)
    expect((await readings('?limit=0')).statusCode).toBe(400)
  })

  it('refuses bad times, a reversed range and a cursor it did not issue', async () => {
    for (const query of [
      '?from=yesterday',
      '?from=2025-03-01T08:00:00',
      `?from=${T0 + 1}&to=${T0}`,
      '?cursor=not-a-cursor',
    ]) {
      const res = await readings(query)
      expect(res.statusCode, query).toBe(400)
      expect(res.json().code).toBe('VALIDATION_FAILED')
    }
  })

  it('answers 404 for an unknown device', async () => {
    const res = await h.request('GET', '/api/v1/devices/ghost/readings')
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('NOT_FOUND')
  })
})
