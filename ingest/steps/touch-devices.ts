import type { StepFactory } from './step.js'

/** How stale `last_seen_at` may be: a device's row is written at most once per this long. */
const PRECISION_MS = 1000

/**
 * Records when each device was last heard from (receive time). A device publishing many times a second is
 * written at most once a second: under load that spares an UPDATE per device and commit, and `last_seen_at`
 * is never more than a second behind.
 */
export const touchDevices: StepFactory = ({ db }) => {
  const touch = db.prepare('UPDATE devices SET last_seen_at = max(coalesce(last_seen_at, 0), ?) WHERE id = ?')
  const written = new Map<string, number>()
  return {
    name: 'touch-devices',
    essential: false,
    run(ctx) {
      const seen = new Map<string, number>()
      const note = (r: { deviceId: string | null; receivedAt: number }) => {
        if (r.deviceId && r.receivedAt > (seen.get(r.deviceId) ?? 0)) seen.set(r.deviceId, r.receivedAt)
      }
      for (const m of ctx.messages) {
        m.readings.forEach(note)
        m.scans.forEach(note)
        m.statuses.forEach(note)
        m.deadLetters.forEach(note)
      }
      for (const [id, at] of seen) {
        if (at - (written.get(id) ?? 0) < PRECISION_MS) continue
        touch.run(at, id)
        written.set(id, at)
      }
    },
  }
}
