/** The dead letter of a bridged message refused before decoding (a disabled or unknown device). */
import { sample } from '../../ingest/decode/context.js'
import type { Config } from '../../src/config.js'
import type { ErrorCode } from '../../src/errors.js'
import type { Decoded } from '../../src/model.js'

export interface Refused {
  deviceId: string
  topic: string
  payload: Buffer
  receivedAt: number
  limits: Config['ingest']
  reason: ErrorCode
  detail: string
}

export function refusal(r: Refused): Decoded {
  return {
    readings: [],
    scans: [],
    statuses: [],
    deadLetters: [
      {
        receivedAt: r.receivedAt,
        deviceId: r.deviceId,
        topic: r.topic,
        reason: r.reason,
        detail: r.detail,
        index: null,
        sample: sample(r.payload, r.limits.deadLetterSampleBytes),
        payloadBytes: r.payload.length,
      },
    ],
  }
}
