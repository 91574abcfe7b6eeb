/**
 * Builds a WorldPlan. Each scenario gets a Scope: its own id prefix (so scenarios mix on one command line
 * without clashing) and its own random stream (so adding a scenario does not change another's numbers).
 * Ids carry the run id, because the gateway de-duplicates readings on (device, seq): two runs must never share
 * a device id.
 */
import { type AmbientParams, summerDay } from '../thermal/ambient.js'
import { boxPreset, reeferPreset } from '../thermal/presets.js'
import { createRng, type Rng } from '../thermal/prng.js'
import { standardSensor } from '../thermal/sensor.js'
import type {
  BoxSpec,
  DeviceSpec,
  OrderItem,
  Place,
  ProfileName,
  SiteSpec,
  SlaTier,
  TruckSpec,
  WaybillSpec,
  WorldEvent,
  WorldPlan,
} from './plan.js'

const MIN = 60_000
const platforms = ['taobao', 'douyin', 'pinduoduo', 'jd', 'kdniao'] as const
const catalogue: Record<ProfileName, readonly string[]> = {
  chilled: ['Greek yogurt 1 kg', 'Mixed salad 300 g', 'Fresh milk 950 ml'],
  frozen: ['Pork dumplings 1 kg', 'Ice cream 6 pack', 'Frozen shrimp 500 g'],
  fresh_meat: ['Beef ribeye 500 g', 'Salmon fillet 400 g'],
  pharma_2_8: ['Insulin pen x5'],
  controlled_ambient: ['Chocolate gift box'],
}

/** Options of a new plan. */
export interface PlanOptions {
  seed: number
  runId: string
  start: number
  end: number
  tickMs?: number
  ambient?: AmbientParams
}

/** Device fields a scenario may change (clock skew, sampling, timestamp format...). */
export type DeviceOverrides = Partial<Omit<DeviceSpec, 'id' | 'kind' | 'container'>>

export class PlanBuilder {
  readonly plan: WorldPlan
  private readonly rng: Rng

  constructor(o: PlanOptions) {
    this.rng = createRng(o.seed)
    this.plan = {
      seed: o.seed,
      runId: o.runId,
      scenarios: [],
      start: o.start,
      end: o.end,
      tickMs: o.tickMs ?? 10_000,
      ambient: o.ambient ?? summerDay,
      sites: [],
      trucks: [],
      boxes: [],
      devices: [],
      orders: [],
      waybills: [],
      events: [],
    }
  }

  /** A scope for one scenario; `prefix` is short and unique per scenario. */
  scope(scenario: string, prefix: string): Scope {
    this.plan.scenarios.push(scenario)
    return new Scope(this.plan, scenario, prefix, this.rng.fork(scenario))
  }

  build(): WorldPlan {
    // Stable sort: events at the same instant keep the order they were planned in.
    this.plan.events.sort((a, b) => a.at - b.at)
    return this.plan
  }
}

/** What one scenario adds to the plan. */
export class Scope {
  constructor(
    readonly plan: WorldPlan,
    readonly scenario: string,
    readonly prefix: string,
    readonly rng: Rng,
  ) {}

  get start(): number {
    return this.plan.start
  }

  /** `start` plus hours (fractional), for readable scenario timelines. */
  at(hours: number): number {
    return this.plan.start + Math.round(hours * 60) * MIN
  }

  id(name: string): string {
    return `${this.plan.runId}-${this.prefix}-${name}`
  }

  site(name: string, coldRoomC: number | null): string {
    const id = this.id(name)
    const lat = 31.23 + this.rng.uniform(-0.15, 0.15)
    const lon = 121.47 + this.rng.uniform(-0.15, 0.15)
    this.plan.sites.push({ id, name, lat: round(lat, 5), lon: round(lon, 5), coldRoomC })
    return id
  }

  siteOf(id: string): SiteSpec {
    const s = this.plan.sites.find((x) => x.id === id)
    if (!s) throw new Error(`no site ${id}`)
    return s
  }

  truck(name: string, profile: ProfileName, changes: Partial<TruckSpec> = {}, device: DeviceOverrides = {}) {
    const reefer = { ...reeferPreset(profile), defrostPhaseMin: this.rng.int(60, 300) }
    const truck: TruckSpec = {
      id: this.id(name),
      profile,
      reefer,
      initialTempC: reefer.setpointC,
      ...changes,
    }
    this.plan.trucks.push(truck)
    const sensor = this.device(`${name}.s`, 'truck_sensor', truck.id, { sampleEveryMs: MIN, ...device })
    return { id: truck.id, sensorId: sensor.id }
  }

  box(
    name: string,
    profile: ProfileName,
    place: Place,
    changes: Partial<BoxSpec> = {},
    device: DeviceOverrides = {},
  ) {
    const params = boxPreset(profile)
    const box: BoxSpec = {
      id: this.id(name),
      profile,
      params,
      initialTempC: params.pcmMeltC,
      place,
      ...changes,
    }
    this.plan.boxes.push(box)
    const sensor = this.device(`${name}.s`, 'box_sensor', box.id, { sampleEveryMs: 2 * MIN, ...device })
    return { id: box.id, sensorId: sensor.id }
  }

  scanner(name: string, device: DeviceOverrides = {}): string {
    return this.device(name, 'scanner', null, device).id
  }

  private device(
    name: string,
    kind: DeviceSpec['kind'],
    container: string | null,
    o: DeviceOverrides,
  ): DeviceSpec {
    const sampleEveryMs = o.sampleEveryMs ?? MIN
    const spec: DeviceSpec = {
      id: this.id(name),
      kind,
      label: `${this.prefix} ${name}`,
      container,
      sampleEveryMs,
      sampleOffsetMs: this.rng.int(0, sampleEveryMs / 1000 - 1) * 1000,
      clockSkewMs: 0,
      tsFormat: this.rng.chance(0.5) ? 'iso' : 'epoch',
      sensor: standardSensor,
      fw: kind === 'scanner' ? 'scan-2.4.1' : 'tl-1.8.0',
      initialBatteryPct: this.rng.int(70, 100),
      ...o,
    }
    this.plan.devices.push(spec)
    return spec
  }

  /** An order and its waybill, carried in `container` (box or truck), created through the API at `createAt`. */
  waybill(o: {
    merchant: string
    profile: ProfileName
    tier: SlaTier
    container: string
    createAt: number
  }): string {
    const n = this.plan.waybills.length + 1
    const no = `${this.plan.runId}-${this.prefix}-W${String(n).padStart(3, '0')}`
    const sensor = this.plan.devices.find((d) => d.container === o.container && d.kind !== 'scanner')
    if (!sensor) throw new Error(`container ${o.container} has no sensor`)
    const waybill: WaybillSpec = {
      no,
      scenario: this.scenario,
      profile: o.profile,
      slaTier: o.tier,
      container: o.container,
      sensorId: sensor.id,
    }
    this.plan.waybills.push(waybill)
    const items: OrderItem[] = [
      {
        sku: `SKU-${this.rng.int(1000, 9999)}`,
        name: this.rng.pick(catalogue[o.profile]),
        qty: this.rng.int(1, 4),
        tempClass: o.profile,
      },
    ]
    this.plan.orders.push({
      waybill: no,
      createAt: Math.max(this.plan.start, o.createAt),
      platform: this.rng.pick(platforms),
      // All digits: Taobao's tid and JD's orderId are numbers, and the run id keeps runs apart.
      platformOrderId: `${digits(`${this.plan.runId}${this.prefix}`)}${String(n).padStart(4, '0')}${this.rng.int(100, 999)}`,
      merchant: this.siteOf(o.merchant).name,
      items,
      profile: o.profile,
      slaTier: o.tier,
      region: this.rng.pick(['310101', '310104', '310105', '310115']),
    })
    return no
  }

  event(e: WorldEvent): void {
    this.plan.events.push(e)
  }

  /** A whole number of minutes drawn from [min, max], in ms. */
  minutes(min: number, max: number): number {
    return this.rng.int(min, max) * MIN
  }
}

function round(v: number, decimals: number): number {
  return Number(v.toFixed(decimals))
}

/** A stable 9-digit number for a text (FNV-1a), so ids derived from it stay numeric and repeatable. */
function digits(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return String(1e8 + (hash % 9e8))
}
