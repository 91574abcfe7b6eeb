/**
 * A world plan: everything a run will do, decided up front from the seed — the fleet, the orders, and a timeline
 * of events (doors, failures, placements, connectivity, faults, scans). The world (world.ts) plays it; the physics
 * and the sensors' noise are the only things computed while playing, and they are seeded too.
 */
import type { AmbientParams } from '../thermal/ambient.js'
import type { IceBoxParams } from '../thermal/ice-box.js'
import type { ProfileName } from '../thermal/presets.js'
import type { ReeferParams } from '../thermal/reefer.js'
import type { SensorParams } from '../thermal/sensor.js'

export type { ProfileName }
export type SlaTier = 'same_day' | 'next_day' | 'standard'
export type DeviceKind = 'truck_sensor' | 'box_sensor' | 'scanner'
export type ScanEvent =
  | 'pickup'
  | 'load'
  | 'unload'
  | 'hub_in'
  | 'hub_out'
  | 'out_for_delivery'
  | 'delivered'
  | 'exception'

/** A place goods wait at: a merchant, a hub, a customer. `coldRoomC` null means the goods wait in ambient air. */
export interface SiteSpec {
  id: string
  name: string
  lat: number
  lon: number
  coldRoomC: number | null
}

/** Where a box is: on a truck, or at a site. */
export type Place = { truck: string } | { site: string }

/** A refrigerated truck or van. */
export interface TruckSpec {
  id: string
  profile: ProfileName
  reefer: ReeferParams
  initialTempC: number
}

/** An insulated parcel box with packs. */
export interface BoxSpec {
  id: string
  profile: ProfileName
  params: IceBoxParams
  initialTempC: number
  place: Place
}

/** One MQTT device. Sensors sample their container every `sampleEveryMs`, first at start + `sampleOffsetMs`. */
export interface DeviceSpec {
  id: string
  kind: DeviceKind
  label: string
  /** The truck or box a sensor is mounted in; null for scanners. */
  container: string | null
  sampleEveryMs: number
  sampleOffsetMs: number
  /** Device clock minus true time. */
  clockSkewMs: number
  tsFormat: 'iso' | 'epoch'
  sensor: SensorParams
  fw: string
  initialBatteryPct: number
}

/** An order line. */
export interface OrderItem {
  sku: string
  name: string
  qty: number
  tempClass: ProfileName
}

/** An order as a platform would send it, created through the gateway's API at `createAt`. */
export interface OrderSpec {
  /** The simulator's waybill number for it; the gateway may answer with its own. */
  waybill: string
  createAt: number
  platform: string
  platformOrderId: string
  merchant: string
  items: OrderItem[]
  profile: ProfileName
  slaTier: SlaTier
  region: string
}

/** A parcel: carried in `container` (a box, or directly in a truck), measured by `sensorId`. */
export interface WaybillSpec {
  no: string
  /** The scenario that planned it. */
  scenario: string
  profile: ProfileName
  slaTier: SlaTier
  container: string
  sensorId: string
}

/** A platform fault to switch on in the sandbox (shape owned by the sandbox; passed through). */
export type PlatformFault = Record<string, unknown>

/** Something that happens at `at` (true time, epoch ms). */
export type WorldEvent =
  | { at: number; type: 'door'; truck: string; open: boolean }
  | { at: number; type: 'reefer'; truck: string; failed: boolean }
  | { at: number; type: 'lid'; box: string; open: boolean }
  | { at: number; type: 'place'; box: string; place: Place }
  /** Signal lost. `keepBuffer` false: the device also loses what it buffers (a power cycle), so a gap remains. */
  | { at: number; type: 'offline'; device: string; keepBuffer: boolean }
  | { at: number; type: 'online'; device: string }
  /** The device's next reading reports `tempC` instead of the measurement. */
  | { at: number; type: 'fault'; device: string; tempC: number }
  | {
      at: number
      type: 'scan'
      scanner: string
      waybill: string
      event: ScanEvent
      container: string | null
      site: string | null
      note?: string
    }
  | { at: number; type: 'platform_fault'; fault: PlatformFault | null }

/** Everything one run does. Times are epoch ms of true (simulated) time. */
export interface WorldPlan {
  seed: number
  runId: string
  scenarios: string[]
  start: number
  end: number
  /** Physics step. */
  tickMs: number
  ambient: AmbientParams
  sites: SiteSpec[]
  trucks: TruckSpec[]
  boxes: BoxSpec[]
  devices: DeviceSpec[]
  orders: OrderSpec[]
  waybills: WaybillSpec[]
  /** Sorted by `at`; equal times keep insertion order. */
  events: WorldEvent[]
}
