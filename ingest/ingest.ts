/**
 * The ingest front door: the broker hands every device message here. Decoding is pure and synchronous; storage
 * is the group commit. The returned promise settles when the message (or its dead letter) is committed.
 */
import type { Config } from '../src/config.js'
import type { Metrics } from '../src/metrics.js'
import type { DeviceKind } from '../src/model.js'
import { decodeMessage } from './decode/index.js'
import type { GroupCommit } from './group-commit.js'
import { parseUplinkTopic } from './topics.js'

export interface InboundMessage {
  deviceId: string
  deviceKind: DeviceKind | null
  topic: string
  payload: Buffer
  qos: 0 | 1 | 2
  receivedAt: number
}

export class Ingest {
  constructor(
    private readonly commit: GroupCommit,
    private readonly limits: Config['ingest'],
    private readonly metrics: Metrics,
  ) {}

  accept(message: InboundMessage): Promise<void> {
    const topic = parseUplinkTopic(message.topic)
    this.metrics.messagesIn.inc({ kind: topic?.kind ?? 'other', qos: String(message.qos) })
    return this.commit.submit(decodeMessage({ ...message, limits: this.limits }, topic))
  }
}
