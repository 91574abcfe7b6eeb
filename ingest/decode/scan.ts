import type { Decoded } from '../../src/model.js'
import { scanV1 } from '../schemas/v1.js'
import { type DecodeContext, deadLetter } from './context.js'
import { describeIssues } from './issues.js'
import { deviceTime } from './timestamps.js'

/** `cc/{id}/scan`: one hand-over scan. */
export function decodeScan(value: unknown, ctx: DecodeContext, out: Decoded): void {
  const parsed = scanV1.safeParse(value)
  if (!parsed.success) {
    out.deadLetters.push(deadLetter(ctx, 'INGEST_SCHEMA', describeIssues(parsed.error)))
    return
  }
  const s = parsed.data
  const time = deviceTime(s.ts, ctx)
  if (!time.ok) {
    out.deadLetters.push(deadLetter(ctx, time.reason, `seq ${s.seq}: ${time.detail}`))
    return
  }
  out.scans.push({
    deviceId: ctx.deviceId,
    seq: s.seq,
    ts: time.ms,
    receivedAt: ctx.receivedAt,
    waybill: s.waybill,
    event: s.event,
    container: s.container ?? null,
    locationName: s.location?.name ?? null,
    lat: s.location?.lat ?? null,
    lon: s.location?.lon ?? null,
    operator: s.operator ?? null,
    note: s.note ?? null,
  })
}
