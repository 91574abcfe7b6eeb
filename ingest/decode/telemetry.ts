import type { Decoded, ReadingRecord } from '../../src/model.js'
import { batchV1, readingV1 } from '../schemas/v1.js'
import { type DecodeContext, deadLetter } from './context.js'
import { describeIssues } from './issues.js'
import { deviceTime } from './timestamps.js'

/**
 * `cc/{id}/telemetry`: one reading, or `{ readings: [...] }`. Each reading of a batch is judged alone: the good
 * ones are kept and every bad one is dead-lettered with its index.
 */
export function decodeTelemetry(value: unknown, ctx: DecodeContext, out: Decoded): void {
  if (value && typeof value === 'object' && 'readings' in value) {
    const batch = batchV1.safeParse(value)
    if (!batch.success) {
      out.deadLetters.push(deadLetter(ctx, 'INGEST_SCHEMA', describeIssues(batch.error)))
      return
    }
    const items = batch.data.readings
    if (items.length > ctx.limits.maxBatchReadings) {
      out.deadLetters.push(
        deadLetter(
          ctx,
          'INGEST_BATCH_TOO_LARGE',
          `${items.length} readings; at most ${ctx.limits.maxBatchReadings}`,
        ),
      )
      return
    }
    items.forEach((item, index) => {
      decodeReading(item, ctx, out, index)
    })
    return
  }
  decodeReading(value, ctx, out, null)
}

function decodeReading(value: unknown, ctx: DecodeContext, out: Decoded, index: number | null): void {
  const parsed = readingV1.safeParse(value)
  if (!parsed.success) {
    out.deadLetters.push(deadLetter(ctx, 'INGEST_SCHEMA', describeIssues(parsed.error), index))
    return
  }
  const r = parsed.data
  const time = deviceTime(r.ts, ctx)
  if (!time.ok) {
    out.deadLetters.push(deadLetter(ctx, time.reason, `seq ${r.seq}: ${time.detail}`, index))
    return
  }
  out.readings.push(toRecord(r, time.ms, ctx))
}

function toRecord(r: ReturnType<typeof readingV1.parse>, ts: number, ctx: DecodeContext): ReadingRecord {
  const faults: string[] = []
  const { tempMinC, tempMaxC } = ctx.limits
  if (r.temp_c < tempMinC || r.temp_c > tempMaxC) {
    faults.push(`temp_c ${r.temp_c} outside the sensor range ${tempMinC}..${tempMaxC} °C`)
  }
  if (r.rh !== undefined && (r.rh < 0 || r.rh > 100)) faults.push(`rh ${r.rh} outside 0..100 %`)
  return {
    deviceId: ctx.deviceId,
    seq: r.seq,
    ts,
    receivedAt: ctx.receivedAt,
    tempC: r.temp_c,
    rh: r.rh ?? null,
    doorOpen: r.door_open ?? null,
    lat: r.lat ?? null,
    lon: r.lon ?? null,
    batteryPct: r.battery_pct ?? null,
    quality: faults.length ? 'sensor_fault' : 'ok',
    fault: faults.length ? faults.join('; ') : null,
  }
}
