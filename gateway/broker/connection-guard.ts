/**
 * Puts a frame guard on a connection. aedes consumes a connection in paused mode only — `conn.read(null)` on
 * 'readable' (lib/client.js) — so every byte it parses leaves the stream through `read()`. Replacing `read` on
 * this one instance inspects each chunk on its way out without copying it, leaves the socket itself
 * (remoteAddress, TLS peer certificate, backpressure, 'drain') in aedes's hands, and adds no stream to the data
 * path. On a violation the chunk is withheld, so aedes never parses the offending packet (nor the ones before
 * it in the same chunk, which are then unacknowledged and re-sent), and `onViolation` closes the connection.
 */
import type { Readable } from 'node:stream'
import { FrameGuard, type GuardViolation } from './frame-guard.js'

export function guardConnection(
  conn: Readable,
  maxPacketBytes: number,
  onViolation: (violation: GuardViolation) => void,
): FrameGuard {
  const guard = new FrameGuard(maxPacketBytes)
  const read = conn.read
  conn.read = function guardedRead(this: Readable, size?: number) {
    const chunk: unknown = read.call(this, size)
    if (chunk === null || chunk === undefined) return chunk
    if (guard.violation) return null
    const violation = typeof chunk === 'string' ? null : guard.check(chunk as Uint8Array)
    if (violation === null) return chunk
    onViolation(violation)
    return null
  }
  return guard
}
