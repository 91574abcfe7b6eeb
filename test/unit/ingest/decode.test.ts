import { describe, expect, it } from 'vitest'
import { type DecodeContext, decodeMessage } from '../../../ingest/decode/index.js'
import { loadConfig } from '../../../src/config.js'

const limits = loadConfig({}).ingest
const receivedAt = Date.parse('2026-01-01T12:00:00Z')

function ctx(topic: string, payload: unknown, over: Partial<DecodeContext> = {}): DecodeContext {
  const bytes = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload))
  return { deviceId: 'box-1', deviceKind: 'box_sensor', topic, receivedAt, payload: bytes, limits, ...over }
}

describe('decoding device messages', () => {
  it('turns one telemetry reading into a record with device time and receive time', () => {
    const out = decodeMessage(
      ctx('cc/box-1/telemetry', { ts: '2026-01-01T11:59:00Z', seq: 7, temp_c: 4.2, rh: 80 }),
    )
    expect(out.deadLetters).toEqual([])
    expect(out.readings).toEqual([
      expect.objectContaining({
        deviceId: 'box-1',
        seq: 7,
        ts: Date.parse('2026-01-01T11:59:00Z'),
        receivedAt,
        tempC: 4.2,
        rh: 80,
        quality: 'ok',
      }),
    ])
  })

  it('accepts epoch milliseconds as device time', () => {
    const out = decodeMessage(ctx('cc/box-1/telemetry', { ts: receivedAt - 1000, seq: 1, temp_c: 3 }))
    expect(out.readings[0]?.ts).toBe(receivedAt - 1000)
  })

  it('keeps the good readings of a batch and dead-letters the bad one by its index', () => {
    const out = decodeMessage(
      ctx('cc/box-1/telemetry', {
        readings: [
          { ts: '2026-01-01T11:00:00Z', seq: 1, temp_c: 3 },
          { ts: '2026-01-01T11:05:00Z', seq: 2, temp_c: 'warm' },
          { ts: '2026-01-01T11:10:00Z', seq: 3, temp_c: 4 },
        ],
      }),
    )
    expect(out.readings.map((r) => r.seq)).toEqual([1, 3])
    expect(out.deadLetters).toHaveLength(1)
    expect(out.deadLetters[0]).toMatchObject({
      reason: 'INGEST_SCHEMA',
      index: 1,
      topic: 'cc/box-1/telemetry',
    })
    expect(out.deadLetters[0]?.detail).toContain('temp_c')
  })

  it('stores an implausible temperature as a sensor fault rather than a reading', () => {
    const out = decodeMessage(ctx('cc/box-1/telemetry', { ts: receivedAt, seq: 9, temp_c: 900 }))
    expect(out.deadLetters).toEqual([])
    expect(out.readings[0]).toMatchObject({ quality: 'sensor_fault', tempC: 900 })
    expect(out.readings[0]?.fault).toContain('900')
  })

  it('refuses a timestamp far in the future', () => {
    const out = decodeMessage(ctx('cc/box-1/telemetry', { ts: receivedAt + 3_600_000, seq: 1, temp_c: 3 }))
    expect(out.readings).toEqual([])
    expect(out.deadLetters[0]?.reason).toBe('INGEST_TS_FUTURE')
  })

  it('refuses an absurdly old timestamp and hints at epoch seconds', () => {
    const out = decodeMessage(
      ctx('cc/box-1/telemetry', { ts: Math.floor(receivedAt / 1000), seq: 1, temp_c: 3 }),
    )
    expect(out.deadLetters[0]?.reason).toBe('INGEST_TS_TOO_OLD')
    expect(out.deadLetters[0]?.detail).toContain('epoch seconds')
  })

  it('refuses a date-time without a UTC offset as ambiguous', () => {
    const out = decodeMessage(ctx('cc/box-1/telemetry', { ts: '2026-01-01T11:00:00', seq: 1, temp_c: 3 }))
    expect(out.deadLetters[0]?.reason).toBe('INGEST_SCHEMA')
  })

  it('dead-letters a payload that is not JSON, keeping a bounded sample', () => {
    const big = `not json ${'x'.repeat(5000)}`
    const out = decodeMessage(ctx('cc/box-1/telemetry', big))
    expect(out.deadLetters[0]).toMatchObject({ reason: 'INGEST_BAD_JSON', payloadBytes: big.length })
    expect(out.deadLetters[0]?.sample.length).toBe(limits.deadLetterSampleBytes)
  })

  it('dead-letters a payload that is not UTF-8 and samples it as base64', () => {
    const out = decodeMessage(ctx('cc/box-1/telemetry', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])))
    expect(out.deadLetters[0]?.reason).toBe('INGEST_NOT_UTF8')
    expect(out.deadLetters[0]?.sample).toBe(
      `base64:${Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64')}`,
    )
  })

  it('refuses a batch larger than the limit as a whole', () => {
    const readings = Array.from({ length: limits.maxBatchReadings + 1 }, (_, i) => ({
      ts: receivedAt,
      seq: i,
      temp_c: 1,
    }))
    const out = decodeMessage(ctx('cc/box-1/telemetry', { readings }))
    expect(out.readings).toEqual([])
    expect(out.deadLetters[0]?.reason).toBe('INGEST_BATCH_TOO_LARGE')
  })

  it('decodes a scan with its location', () => {
    const out = decodeMessage(
      ctx(
        'cc/scan-1/scan',
        {
          ts: receivedAt,
          seq: 4,
          waybill: 'WB1',
          event: 'pickup',
          container: 'box-1',
          location: { name: 'Merchant A', lat: 31.2, lon: 121.5 },
        },
        { deviceId: 'scan-1', deviceKind: 'scanner' },
      ),
    )
    expect(out.scans[0]).toMatchObject({
      waybill: 'WB1',
      event: 'pickup',
      container: 'box-1',
      locationName: 'Merchant A',
      lat: 31.2,
    })
  })

  it('refuses a scan event outside the contract', () => {
    const out = decodeMessage(
      ctx(
        'cc/scan-1/scan',
        { ts: receivedAt, seq: 4, waybill: 'WB1', event: 'teleported' },
        { deviceId: 'scan-1', deviceKind: 'scanner' },
      ),
    )
    expect(out.deadLetters[0]?.reason).toBe('INGEST_SCHEMA')
  })

  it('decodes a status message', () => {
    const out = decodeMessage(
      ctx('cc/box-1/status', { ts: receivedAt, online: false, fw: '1.2.3', battery_pct: 40 }),
    )
    expect(out.statuses[0]).toMatchObject({ online: false, fw: '1.2.3', batteryPct: 40 })
  })

  it('refuses telemetry from a scanner', () => {
    const out = decodeMessage(
      ctx(
        'cc/scan-1/telemetry',
        { ts: receivedAt, seq: 1, temp_c: 3 },
        { deviceId: 'scan-1', deviceKind: 'scanner' },
      ),
    )
    expect(out.deadLetters[0]?.reason).toBe('INGEST_DEVICE_MISMATCH')
  })

  it('dead-letters a topic outside the contract', () => {
    const out = decodeMessage(ctx('cc/box-1/firmware', { any: 1 }))
    expect(out.deadLetters[0]?.reason).toBe('INGEST_UNKNOWN_TOPIC')
  })

  it('never throws, whatever the payload', () => {
    for (const payload of [
      'null',
      '[]',
      '7',
      '"s"',
      '{"readings":null}',
      '{"readings":[null]}',
      '{"ts":{},"seq":-1}',
    ]) {
      const out = decodeMessage(ctx('cc/box-1/telemetry', payload))
      expect(out.readings.length + out.deadLetters.length).toBeGreaterThan(0)
    }
  })
})
