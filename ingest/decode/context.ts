import type { Config } from '../../src/config.js'
import type { ErrorCode } from '../../src/errors.js'
import type { DeadLetterRecord, DeviceKind } from '../../src/model.js'

/** What a decoder knows besides the payload. */
export interface DecodeContext {
  deviceId: string
  /** The registered kind of the device; null in open mode for unregistered devices. */
  deviceKind: DeviceKind | null
  topic: string
  receivedAt: number
  payload: Buffer
  limits: Config['ingest']
}

/** A refused message, or one refused reading of a batch, with its reason from the error catalogue. */
export function deadLetter(
  ctx: DecodeContext,
  reason: ErrorCode,
  detail: string,
  index: number | null = null,
): DeadLetterRecord {
  return {
    receivedAt: ctx.receivedAt,
    deviceId: ctx.deviceId,
    topic: ctx.topic,
    reason,
    detail: detail.length > 1000 ? `${detail.slice(0, 997)}...` : detail,
    index,
    sample: sample(ctx.payload, ctx.limits.deadLetterSampleBytes),
    payloadBytes: ctx.payload.length,
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** The first `max` bytes, as text when they are valid UTF-8, otherwise base64 prefixed `base64:`. */
export function sample(payload: Buffer, max: number): string {
  const head = payload.subarray(0, max)
  // A cut through a multi-byte character (at most 3 bytes of it) is not a reason to fall back to base64.
  const cuts = payload.length > max ? [0, 1, 2, 3] : [0]
  for (const cut of cuts) {
    try {
      return strictUtf8.decode(head.subarray(0, head.length - cut))
    } catch {
      // try a shorter cut
    }
  }
  return `base64:${head.toString('base64')}`
}
