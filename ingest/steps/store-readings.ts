import type { ReadingRecord } from '../../src/model.js'
import type { StepFactory } from './step.js'

/**
 * Stores readings once per (device, seq). A re-send with the same content is a duplicate and is dropped; the same
 * seq with other content (a device whose counter restarted) is not silently lost but dead-lettered.
 */
export const storeReadings: StepFactory = ({ db, metrics }) => {
  // Positional parameters: binding by name costs a lookup per column and an object per reading.
  const insert = db.prepare(`
    INSERT INTO readings (device_id, seq, ts, received_at, temp_c, rh, door_open, lat, lon, battery_pct, quality, fault)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (device_id, seq) DO NOTHING`)
  const existing = db.prepare<[string, number], { ts: number; temp_c: number | null }>(
    'SELECT ts, temp_c FROM readings WHERE device_id = ? AND seq = ?',
  )
  const store = (r: ReadingRecord) =>
    insert.run(
      r.deviceId,
      r.seq,
      r.ts,
      r.receivedAt,
      r.tempC,
      r.rh,
      r.doorOpen === null ? null : r.doorOpen ? 1 : 0,
      r.lat,
      r.lon,
      r.batteryPct,
      r.quality,
      r.fault,
    )
  return {
    name: 'store-readings',
    essential: true,
    run(ctx) {
      for (const message of ctx.messages) {
        for (const reading of message.readings) {
          if (store(reading).changes === 1) {
            ctx.stored.readings.push(reading)
            if (reading.quality === 'sensor_fault') metrics.sensorFaults.inc()
            continue
          }
          const prior = existing.get(reading.deviceId, reading.seq)
          if (prior && prior.ts === reading.ts && prior.temp_c === reading.tempC) {
            metrics.duplicates.inc({ kind: 'reading' })
            continue
          }
          message.deadLetters.push({
            receivedAt: reading.receivedAt,
            deviceId: reading.deviceId,
            topic: `cc/${reading.deviceId}/telemetry`,
            reason: 'INGEST_SEQ_CONFLICT',
            detail: `seq ${reading.seq} was stored with ts ${prior?.ts} and temp_c ${prior?.temp_c}; this one has ts ${reading.ts} and temp_c ${reading.tempC}`,
            index: null,
            sample: JSON.stringify({ ts: reading.ts, seq: reading.seq, temp_c: reading.tempC }),
            payloadBytes: 0,
          })
        }
      }
      metrics.recordsStored.inc({ kind: 'reading' }, ctx.stored.readings.length)
    },
  }
}
