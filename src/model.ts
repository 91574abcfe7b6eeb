/**
 * Records that cross the layers: what ingest decodes and the store keeps, and what the domain consumes.
 * Times are epoch milliseconds; `ts` is always the device's clock, `receivedAt` the gateway's.
 */
import type { ErrorCode } from './errors.js'

export const deviceKinds = ['truck_sensor', 'box_sensor', 'scanner'] as const
export type DeviceKind = (typeof deviceKinds)[number]

export const scanEvents = [
  'pickup',
  'load',
  'unload',
  'hub_in',
  'hub_out',
  'out_for_delivery',
  'delivered',
  'exception',
] as const
export type ScanEvent = (typeof scanEvents)[number]

export type MessageKind = 'telemetry' | 'scan' | 'status'

/** `ok`: a measurement. `sensor_fault`: the sensor reported a physically implausible value; kept, not evaluated. */
export type ReadingQuality = 'ok' | 'sensor_fault'

export interface ReadingRecord {
  deviceId: string
  seq: number
  ts: number
  receivedAt: number
  tempC: number | null
  rh: number | null
  doorOpen: boolean | null
  lat: number | null
  lon: number | null
  batteryPct: number | null
  quality: ReadingQuality
  /** Why the reading is a fault, when it is one. */
  fault: string | null
}

export interface ScanRecord {
  deviceId: string
  seq: number
  ts: number
  receivedAt: number
  waybill: string
  event: ScanEvent
  container: string | null
  locationName: string | null
  lat: number | null
  lon: number | null
  operator: string | null
  note: string | null
}

export interface StatusRecord {
  deviceId: string
  ts: number
  receivedAt: number
  online: boolean
  fw: string | null
  batteryPct: number | null
}

export interface DeadLetterRecord {
  receivedAt: number
  deviceId: string | null
  topic: string
  reason: ErrorCode
  detail: string
  /** Position in a batch, when one reading of a batch was refused. */
  index: number | null
  /** The first bytes of the payload (bounded), as text where it decodes, else base64. */
  sample: string
  payloadBytes: number
}

/** Everything decoded from one MQTT message: the valid parts and the refused ones, never neither. */
export interface Decoded {
  readings: ReadingRecord[]
  scans: ScanRecord[]
  statuses: StatusRecord[]
  deadLetters: DeadLetterRecord[]
}
