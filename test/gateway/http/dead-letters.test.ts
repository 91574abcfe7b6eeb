import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DeadLetterRecord } from '../../../src/model.js'
import { type Harness, harness, T0 } from './harness.js'

let h: Harness
beforeEach(async () => {
  h = await harness()
})
afterEach(() => h.close())

function insert(letter: Partial<DeadLetterRecord> & { receivedAt: number }): void {
  const row: DeadLetterRecord = {
    deviceId: 'box-1',
    topic: 'cc/box-1/telemetry',
    reason: 'INGEST_BAD_JSON',
    detail: 'Unexpected token',
    index: null,
    sample: '{"ts":',
    payloadBytes: 6,
    ...letter,
  }
  h.db
    .prepare(
      `INSERT INTO dead_letters (received_at, device_id, topic, reason, detail, batch_index, sample, payload_bytes)
       VALUES (@receivedAt, @deviceId, @topic, @reason, @detail, @index, @sample, @payloadBytes)`,
    )
    .run(row)
}

const list = async (query = '') =>
  (await h.request('GET', `/api/v1/dead-letters${query}`, { token: h.ops })).json()
const times = (body: { items: { receivedAt: string }[] }) => body.items.map((d) => d.receivedAt.slice(11, 19))

describe('/api/v1/dead-letters', () => {
  it('lists dead letters newest first, with reason, detail and the payload sample', async () => {
    insert({ receivedAt: T0 })
    insert({ receivedAt: T0 + 2_000, reason: 'INGEST_SCHEMA', detail: 'temp_c: expected number', index: 3 })
    const body = await list()
    expect(times(body)).toEqual(['08:00:02', '08:00:00'])
    expect(body.items[0]).toEqual({
      id: expect.any(Number),
      receivedAt: '2025-03-01T08:00:02.000Z',
      deviceId: 'box-1',
      topic: 'cc/box-1/telemetry',
      reason: 'INGEST_SCHEMA',
      detail: 'temp_c: expected number',
      index: 3,
      sample: '{"ts":',
      payloadBytes: 6,
    })
    expect(body.next).toBeNull()
  })

  it('pages newest first with a cursor, letters with the same receive time included once each', async () => {
    for (const s of [0, 1, 1, 1, 2, 3]) insert({ receivedAt: T0 + s * 1_000, detail: `at ${s}` })
    const ids: number[] = []
    let body = await list('?limit=4')
    ids.push(...body.items.map((d: { id: number }) => d.id))
    insert({ receivedAt: T0 + 9_000 }) // arriving while a client pages: not in the older pages
    body = await list(`?limit=4&cursor=${body.next}`)
    ids.push(...body.items.map((d: { id: number }) => d.id))
    expect(body.next).toBeNull()
    expect(ids).toEqual([6, 5, 4, 3, 2, 1])
  })

  it('filters by device, reason and receive time', async () => {
    insert({ receivedAt: T0, deviceId: 'box-1' })
    insert({ receivedAt: T0 + 1_000, deviceId: 'box-2', reason: 'INGEST_TS_FUTURE' })
    insert({ receivedAt: T0 + 2_000, deviceId: null, topic: 'cc/unknown', reason: 'INGEST_UNKNOWN_TOPIC' })
    expect((await list('?device=box-2')).items).toMatchObject([{ deviceId: 'box-2' }])
    expect((await list('?reason=INGEST_UNKNOWN_TOPIC')).items).toMatchObject([{ deviceId: null }])
    expect(times(await list(`?since=${new Date(T0 + 1_000).toISOString()}`))).toEqual([
      '08:00:02',
      '08:00:01',
    ])
  })

  it('refuses a reason that is not in the error catalogue', async () => {
    const res = await h.request('GET', '/api/v1/dead-letters?reason=SOMETHING')
    expect(res.statusCode).toBe(400)
    expect(res.json().details.issues[0]).toMatchObject({ in: 'querystring', path: '/reason' })
  })
})
