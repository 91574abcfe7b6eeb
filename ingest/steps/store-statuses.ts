import type { StepFactory } from './step.js'

/** Keeps the history of device status messages (online/offline, firmware, battery). */
export const storeStatuses: StepFactory = ({ db, metrics }) => {
  const insert = db.prepare(`
    INSERT INTO device_status (device_id, ts, received_at, online, fw, battery_pct)
    VALUES (@deviceId, @ts, @receivedAt, @online, @fw, @batteryPct)`)
  return {
    name: 'store-statuses',
    essential: true,
    run(ctx) {
      for (const message of ctx.messages) {
        for (const status of message.statuses) {
          insert.run({ ...status, online: status.online ? 1 : 0 })
          ctx.stored.statuses.push(status)
        }
      }
      metrics.recordsStored.inc({ kind: 'status' }, ctx.stored.statuses.length)
    },
  }
}
