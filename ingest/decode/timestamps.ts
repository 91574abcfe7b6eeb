import type { ErrorCode } from '../../src/errors.js'
import type { DecodeContext } from './context.js'

export type TimeCheck = { ok: true; ms: number } | { ok: false; reason: ErrorCode; detail: string }

/**
 * Device time as epoch ms, refused when it lies too far in the future (a clock that was never set forward) or is
 * older than the accepted age (a clock reset to 1970, or a batch so old its custody is long closed).
 */
export function deviceTime(ts: number | string, ctx: DecodeContext): TimeCheck {
  const ms = typeof ts === 'number' ? ts : Date.parse(ts)
  if (!Number.isFinite(ms))
    return { ok: false, reason: 'INGEST_SCHEMA', detail: `ts ${JSON.stringify(ts)} is not a date` }
  const ahead = ms - ctx.receivedAt
  if (ahead > ctx.limits.maxFutureSkewMs) {
    return {
      ok: false,
      reason: 'INGEST_TS_FUTURE',
      detail: `ts is ${Math.round(ahead / 1000)} s ahead of receive time`,
    }
  }
  const age = ctx.receivedAt - ms
  if (age > ctx.limits.maxAgeMs) {
    const hint =
      typeof ts === 'number' && ts < 1e11 ? ' (it looks like epoch seconds; the contract wants ms)' : ''
    return {
      ok: false,
      reason: 'INGEST_TS_TOO_OLD',
      detail: `ts is ${Math.round(age / 86_400_000)} days old${hint}`,
    }
  }
  return { ok: true, ms }
}
