/**
 * Plays a WorldPlan: connects every device, then walks simulated time tick by tick — orders due are created,
 * events due are applied (physics, connectivity, faults, scans), sensors due sample their container through
 * their noisy sensor, and the world waits for the acknowledgements of the tick before the next one, so messages
 * leave in simulated-time order. Returns what was actually published.
 */
import { createRng, type Rng } from '../thermal/prng.js'
import { measure } from '../thermal/sensor.js'
import type { VirtualClock } from './clock.js'
import { type Measurement, SimDevice } from './device.js'
import type { LinkFactory } from './link.js'
import { Physics } from './physics.js'
import type { DeviceSpec, OrderSpec, PlatformFault, WorldEvent, WorldPlan } from './plan.js'
import { SentLog } from './sent-log.js'

/** What the world needs from outside: the network, credentials, the clock and the gateway's API. */
export interface WorldDeps {
  links: LinkFactory
  /** Device id → MQTT password. */
  secrets: ReadonlyMap<string, string>
  clock: VirtualClock
  /** Creates the order through the API; returns the gateway's order id and waybill number. */
  createOrder?: (o: OrderSpec) => Promise<{ no: string; orderId: string | null }>
  /** Switches a platform fault on in the sandbox (null: off). */
  platformFault?: (fault: PlatformFault | null) => Promise<void>
  onProgress?: (p: Progress) => void
  /** Ends the run at the next tick: devices flush what they can and disconnect (the demo's Ctrl-C). */
  signal?: AbortSignal
  maxBatch?: number
  wallNow?: () => number
}

/** A snapshot for the terminal. */
export interface Progress {
  simNow: number
  online: number
  devices: number
  readings: number
  scans: number
  buffered: number
}

/** What a run produced. */
export interface RunRecord {
  log: SentLog
  /** Simulator waybill number → the gateway's number and order id. */
  waybills: Map<string, { no: string; orderId: string | null }>
  /** Platform faults as switched (true time). */
  outages: { from: number; to: number | null; fault: PlatformFault }[]
}

interface Sensor {
  device: SimDevice
  rng: Rng
  nextAt: number
  fault: number | null
}

export async function runWorld(plan: WorldPlan, deps: WorldDeps): Promise<RunRecord> {
  const log = new SentLog()
  const physics = new Physics(plan)
  const rng = createRng(plan.seed)
  const opts = { startMs: plan.start, maxBatch: deps.maxBatch ?? 500, wallNow: deps.wallNow }
  const devices = new Map<string, SimDevice>()
  const sensors: Sensor[] = []
  for (const spec of plan.devices) {
    const secret = deps.secrets.get(spec.id)
    if (secret === undefined) throw new Error(`no secret for device ${spec.id}`)
    const device = new SimDevice(spec, secret, deps.links, log, opts)
    devices.set(spec.id, device)
    if (spec.kind !== 'scanner') {
      sensors.push({
        device,
        rng: rng.fork(`sensor:${spec.id}`),
        nextAt: plan.start + spec.sampleOffsetMs,
        fault: null,
      })
    }
  }
  const record: RunRecord = { log, waybills: new Map(), outages: [] }
  for (const w of plan.waybills) record.waybills.set(w.no, { no: w.no, orderId: null })
  const sites = new Map(plan.sites.map((s) => [s.id, s]))
  const orders = [...plan.orders].sort((a, b) => a.createAt - b.createAt)
  let nextOrder = 0
  let nextEvent = 0

  await deps.clock.until(plan.start)
  await Promise.all([...devices.values()].map((d) => d.connect(plan.start)))

  let endedAt = plan.end
  for (let t = plan.start; t <= plan.end; t += plan.tickMs) {
    if (deps.signal?.aborted) {
      endedAt = t
      break
    }
    await deps.clock.until(t)
    for (; nextOrder < orders.length && (orders[nextOrder] as OrderSpec).createAt <= t; nextOrder++) {
      const o = orders[nextOrder] as OrderSpec
      if (deps.createOrder) record.waybills.set(o.waybill, await deps.createOrder(o))
    }
    const work: Promise<void>[] = []
    for (; nextEvent < plan.events.length && (plan.events[nextEvent] as WorldEvent).at <= t; nextEvent++) {
      const e = plan.events[nextEvent] as WorldEvent
      if (physics.apply(e)) continue
      await handle(e, t)
    }
    for (const s of sensors) {
      for (; s.nextAt <= t; s.nextAt += s.device.spec.sampleEveryMs) work.push(sample(s))
    }
    for (const d of devices.values()) work.push(d.heal(t))
    await Promise.all(work)
    physics.step(t, plan.tickMs)
    deps.onProgress?.(progress(t))
  }
  await Promise.all([...devices.values()].map((d) => d.stop(endedAt)))
  return record

  function sample(s: Sensor): Promise<void> {
    const spec: DeviceSpec = s.device.spec
    const air = physics.air(spec.container as string)
    const m = measure(s.rng, spec.sensor, air.tempC, air.rh)
    const reading: Measurement = {
      trueAt: s.nextAt,
      tempC: s.fault ?? m.tempC,
      rh: m.rh,
      doorOpen: air.doorOpen,
    }
    s.fault = null
    return s.device.measure(reading)
  }

  async function handle(e: WorldEvent, t: number): Promise<void> {
    switch (e.type) {
      case 'offline':
        return device(e.device).goOffline(e.keepBuffer)
      case 'online':
        return device(e.device).goOnline(t)
      case 'fault': {
        const s = sensors.find((x) => x.device.spec.id === e.device)
        if (s) s.fault = e.tempC
        return
      }
      case 'scan': {
        const site = e.site === null ? null : (sites.get(e.site) ?? null)
        const waybill = record.waybills.get(e.waybill)?.no ?? e.waybill
        const container = e.container
        return device(e.scanner).scan({
          trueAt: e.at,
          waybill,
          event: e.event,
          container,
          site,
          note: e.note,
        })
      }
      case 'platform_fault': {
        const open = record.outages.find((o) => o.to === null)
        if (open) open.to = t
        if (e.fault) record.outages.push({ from: t, to: null, fault: e.fault })
        await deps.platformFault?.(e.fault)
        return
      }
      default:
        return
    }
  }

  function device(id: string): SimDevice {
    const d = devices.get(id)
    if (!d) throw new Error(`no device ${id}`)
    return d
  }

  function progress(simNow: number): Progress {
    let online = 0
    let buffered = 0
    for (const d of devices.values()) {
      if (d.online) online++
      buffered += d.buffered
    }
    return {
      simNow,
      online,
      devices: devices.size,
      readings: log.readings.length,
      scans: log.scans.length,
      buffered,
    }
  }
}
