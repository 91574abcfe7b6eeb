/**
 * One delivery attempt of one outbox row: the adapter builds and signs the request (fresh timestamp, same event
 * id), the transport sends it, the adapter reads the reply. Never throws: every failure is an outcome. A payload
 * the adapter cannot express is permanent (retrying the same bytes cannot help); a network error or timeout is
 * retriable.
 */
import { adapterFor } from '../adapters/index.js'
import type { OutboxRow } from '../outbox/store.js'
import type { DeliveryOutcome, Target, WritebackEvent } from '../types.js'
import type { Transport } from './transport.js'

export interface AttemptResult {
  outcome: DeliveryOutcome
  /** The event, when the payload could be read (for the latency and late-node metrics). */
  event: WritebackEvent | null
  /** When the reply (or the failure) came back. */
  at: number
}

function networkReason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  if (e.name === 'TimeoutError') return 'network: request timed out'
  return `network: ${e.cause?.code ?? e.cause?.message ?? e.message ?? String(err)}`
}

export async function attempt(
  target: Target,
  row: OutboxRow,
  transport: Transport,
  clock: () => number,
): Promise<AttemptResult> {
  let event: WritebackEvent
  try {
    event = JSON.parse(row.payload) as WritebackEvent
  } catch {
    return { outcome: { result: 'permanent', reason: 'payload is not JSON' }, event: null, at: clock() }
  }
  const adapter = adapterFor(target.kind)
  let request: ReturnType<typeof adapter.buildRequest>
  try {
    request = adapter.buildRequest(event, target as never, clock())
  } catch (err) {
    return { outcome: { result: 'permanent', reason: (err as Error).message }, event, at: clock() }
  }
  try {
    const reply = await transport(request)
    const at = clock()
    return { outcome: adapter.parseReply(reply, at), event, at }
  } catch (err) {
    return { outcome: { result: 'retry', reason: networkReason(err) }, event, at: clock() }
  }
}
