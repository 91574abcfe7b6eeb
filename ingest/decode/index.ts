/**
 * Decodes one MQTT message into records and dead letters. Pure: no I/O, no clock (receive time comes in the
 * context), never throws on any payload — a decoder that throws is a bug, and even then the message is
 * dead-lettered, not lost.
 */
import type { Decoded, DeviceKind, MessageKind } from '../../src/model.js'
import { parseUplinkTopic } from '../topics.js'
import { type DecodeContext, deadLetter } from './context.js'
import { parseJson } from './json.js'
import { decodeScan } from './scan.js'
import { decodeStatus } from './status.js'
import { decodeTelemetry } from './telemetry.js'

export type { DecodeContext } from './context.js'

const decoders: Record<MessageKind, (value: unknown, ctx: DecodeContext, out: Decoded) => void> = {
  telemetry: decodeTelemetry,
  scan: decodeScan,
  status: decodeStatus,
}

/** Which message kinds each device kind may send; status is common to all. */
const allowed: Record<DeviceKind, ReadonlySet<MessageKind>> = {
  truck_sensor: new Set(['telemetry', 'status']),
  box_sensor: new Set(['telemetry', 'status']),
  scanner: new Set(['scan', 'status']),
}

/** `topic`: the message's topic as parseUplinkTopic reads it, when the caller has read it already. */
export function decodeMessage(ctx: DecodeContext, topic = parseUplinkTopic(ctx.topic)): Decoded {
  const out: Decoded = { readings: [], scans: [], statuses: [], deadLetters: [] }
  if (!topic) {
    out.deadLetters.push(
      deadLetter(ctx, 'INGEST_UNKNOWN_TOPIC', `topic ${ctx.topic} is not cc/{device}/telemetry|scan|status`),
    )
    return out
  }
  if (ctx.deviceKind && !allowed[ctx.deviceKind].has(topic.kind)) {
    out.deadLetters.push(
      deadLetter(ctx, 'INGEST_DEVICE_MISMATCH', `a ${ctx.deviceKind} does not send ${topic.kind}`),
    )
    return out
  }
  const json = parseJson(ctx)
  if (!json.ok) {
    out.deadLetters.push(deadLetter(ctx, json.reason, json.detail))
    return out
  }
  try {
    decoders[topic.kind](json.value, ctx, out)
  } catch (err) {
    out.deadLetters.push(deadLetter(ctx, 'INGEST_SCHEMA', `decoder failed: ${(err as Error).message}`))
  }
  return out
}
