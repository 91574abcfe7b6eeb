/**
 * Sensor faults of one waybill's sensors (issue 3 alert kind "sensor fault"): every reading ingest flagged as
 * physically implausible (model.ts: kept, not evaluated) is reported once; a later good reading from the same
 * sensor reports its recovery. Pure: `faulty` maps a sensor to the device time of its newest fault.
 */
import type { SensorFaultEvent, SensorRecoveredEvent } from './events.js'
import type { SeriesReading } from './series.js'

export type Faulty = Readonly<Record<string, number>>

type FaultReading = Pick<SeriesReading, 'deviceId' | 'seq' | 'ts' | 'tempC' | 'quality' | 'fault'>

const isFault = (r: FaultReading): boolean => r.quality === 'sensor_fault'

export function trackFaults(
  waybill: string,
  faulty: Faulty,
  readings: readonly FaultReading[],
): { faulty: Faulty; events: (SensorFaultEvent | SensorRecoveredEvent)[] } {
  // The hot path: no fault known, none arriving.
  if (readings.length === 0 || (Object.keys(faulty).length === 0 && !readings.some(isFault))) {
    return { faulty, events: [] }
  }
  const next: Record<string, number> = { ...faulty }
  const events: (SensorFaultEvent | SensorRecoveredEvent)[] = []
  for (const r of [...readings].sort((a, b) => a.ts - b.ts)) {
    const since = next[r.deviceId]
    if (r.quality === 'sensor_fault') {
      events.push({
        type: 'sensor.fault',
        waybill,
        deviceId: r.deviceId,
        seq: r.seq,
        ts: r.ts,
        tempC: r.tempC,
        fault: r.fault,
      })
      if (since === undefined || r.ts > since) next[r.deviceId] = r.ts
    } else if (since !== undefined && r.ts > since) {
      events.push({ type: 'sensor.recovered', waybill, deviceId: r.deviceId, ts: r.ts })
      delete next[r.deviceId]
    }
  }
  return { faulty: next, events }
}

/** Which sensors are faulty after a series (their newest reading is a fault). */
export function faultyAfter(readings: readonly FaultReading[]): Faulty {
  const newest = new Map<string, FaultReading>()
  for (const r of readings) {
    const seen = newest.get(r.deviceId)
    if (!seen || r.ts >= seen.ts) newest.set(r.deviceId, r)
  }
  const out: Record<string, number> = {}
  for (const [device, r] of newest) if (r.quality === 'sensor_fault') out[device] = r.ts
  return out
}
