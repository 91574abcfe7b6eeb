import type { Decoded } from '../../src/model.js'
import { statusV1 } from '../schemas/v1.js'
import { type DecodeContext, deadLetter } from './context.js'
import { describeIssues } from './issues.js'
import { deviceTime } from './timestamps.js'

/** `cc/{id}/status`: online/offline (also the Last Will), firmware, battery. */
export function decodeStatus(value: unknown, ctx: DecodeContext, out: Decoded): void {
  const parsed = statusV1.safeParse(value)
  if (!parsed.success) {
    out.deadLetters.push(deadLetter(ctx, 'INGEST_SCHEMA', describeIssues(parsed.error)))
    return
  }
  const s = parsed.data
  const time = deviceTime(s.ts, ctx)
  if (!time.ok) {
    out.deadLetters.push(deadLetter(ctx, time.reason, time.detail))
    return
  }
  out.statuses.push({
    deviceId: ctx.deviceId,
    ts: time.ms,
    receivedAt: ctx.receivedAt,
    online: s.online,
    fw: s.fw ?? null,
    batteryPct: s.battery_pct ?? null,
  })
}
