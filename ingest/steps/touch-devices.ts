import type { StepFactory } from './step.js'

/** Records when each device was last heard from (receive time), once per device per commit. */
export const touchDevices: StepFactory = ({ db }) => {
  const touch = db.prepare('UPDATE devices SET last_seen_at = max(coalesce(last_seen_at, 0), ?) WHERE id = ?')
  return {
    name: 'touch-devices',
    essential: false,
    run(ctx) {
      const seen = new Map<string, number>()
      for (const m of ctx.messages) {
        for (const r of [...m.readings, ...m.scans, ...m.statuses, ...m.deadLetters]) {
          if (r.deviceId) seen.set(r.deviceId, Math.max(seen.get(r.deviceId) ?? 0, r.receivedAt))
        }
      }
      for (const [id, at] of seen) touch.run(at, id)
    },
  }
}
