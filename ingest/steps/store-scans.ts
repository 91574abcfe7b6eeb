import type { StepFactory } from './step.js'

/** Stores scans once per (device, seq); a different scan under a seq already used is dead-lettered. */
export const storeScans: StepFactory = ({ db, metrics }) => {
  const insert = db.prepare(`
    INSERT INTO scans (device_id, seq, ts, received_at, waybill, event, container, location_name, lat, lon, operator, note)
    VALUES (@deviceId, @seq, @ts, @receivedAt, @waybill, @event, @container, @locationName, @lat, @lon, @operator, @note)
    ON CONFLICT (device_id, seq) DO NOTHING`)
  const existing = db.prepare<[string, number], { ts: number; waybill: string; event: string }>(
    'SELECT ts, waybill, event FROM scans WHERE device_id = ? AND seq = ?',
  )
  return {
    name: 'store-scans',
    essential: true,
    run(ctx) {
      for (const message of ctx.messages) {
        for (const scan of message.scans) {
          if (insert.run(scan).changes === 1) {
            ctx.stored.scans.push(scan)
            continue
          }
          const prior = existing.get(scan.deviceId, scan.seq)
          if (prior && prior.ts === scan.ts && prior.waybill === scan.waybill && prior.event === scan.event) {
            metrics.duplicates.inc({ kind: 'scan' })
            continue
          }
          message.deadLetters.push({
            receivedAt: scan.receivedAt,
            deviceId: scan.deviceId,
            topic: `cc/${scan.deviceId}/scan`,
            reason: 'INGEST_SEQ_CONFLICT',
            detail: `seq ${scan.seq} was stored as ${prior?.event} of ${prior?.waybill}; this one is ${scan.event} of ${scan.waybill}`,
            index: null,
            sample: JSON.stringify({ ts: scan.ts, seq: scan.seq, waybill: scan.waybill, event: scan.event }),
            payloadBytes: 0,
          })
        }
      }
      metrics.recordsStored.inc({ kind: 'scan' }, ctx.stored.scans.length)
    },
  }
}
