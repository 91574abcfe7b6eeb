/**
 * Courier routes as timelines of events: where the truck stops, when its door opens, where each box is, and
 * which scanner scans what. Three shapes cover the scenarios:
 * - first mile: a truck collects boxes at merchants and brings them to a hub (pickup, load, unload, hub_in);
 * - last mile: a van takes boxes from the hub to customers (hub_out, load, out_for_delivery, delivered);
 * - direct: same-day, merchant to customer on one van (pickup, load, out_for_delivery, delivered); only here
 *   may a parcel ride in the truck without a box (its temperature is then the truck sensor's).
 * Every helper returns the time its truck finishes, so scenarios chain legs.
 *
 * The scan's `container` follows the custody reading of scans: `pickup` names what the parcel is packed in (its
 * box, or the vehicle for a loose parcel); `load`, `hub_out` and `out_for_delivery` name the vehicle its box goes
 * onto; `unload` names the vehicle it comes off and `hub_in` none. Naming the box on an off event would mean the
 * parcel was unpacked from it.
 */
import type { ScanEvent } from './plan.js'
import type { Scope } from './plan-builder.js'

const MIN = 60_000

/** A parcel on a route: its waybill and the box it travels in (null: loose in the truck). */
export interface Parcel {
  no: string
  box: string | null
}

/** A truck with its driver's scanner. */
export interface Crew {
  truck: string
  scanner: string
}

/** A merchant stop: the parcels picked up there; `doorMin` overrides the route's door time for this stop. */
export interface PickupStop {
  site: string
  parcels: Parcel[]
  doorMin?: number
}

/** Timing knobs of a stop; the defaults are a brisk, normal hand-over. */
export interface StopTiming {
  /** How long the door stays open at a pickup or drop, minutes. */
  doorMin?: number
  /** Minutes between stops, drawn uniformly. */
  legMin?: [number, number]
}

/** Loads parcels at a site: door open, pickup scans, boxes onto the truck, load scans. Returns the departure. */
export function pickupStop(
  s: Scope,
  crew: Crew,
  site: string,
  arrive: number,
  parcels: Parcel[],
  doorMin = 4,
): number {
  s.event({ at: arrive + MIN, type: 'door', truck: crew.truck, open: true })
  parcels.forEach((p, i) => {
    const t = arrive + 2 * MIN + i * 30_000
    scan(s, crew.scanner, p.no, 'pickup', t, p.box ?? crew.truck, site)
    if (p.box) {
      s.event({ at: t + MIN, type: 'place', box: p.box, place: { truck: crew.truck } })
      scan(s, crew.scanner, p.no, 'load', t + MIN, crew.truck, site)
    }
  })
  const closeAt = arrive + MIN + Math.max(doorMin * MIN, parcels.length * 30_000 + 2 * MIN)
  s.event({ at: closeAt, type: 'door', truck: crew.truck, open: false })
  return closeAt + 2 * MIN
}

/** First mile: merchants in order, then the hub. Returns when the boxes are in the hub's cold room. */
export function firstMile(
  s: Scope,
  crew: Crew,
  o: { departAt: number; pickups: PickupStop[]; hub: string; hubScanner: string } & StopTiming,
): number {
  const [lo, hi] = o.legMin ?? [20, 40]
  let t = o.departAt
  for (const stop of o.pickups) {
    t += s.minutes(lo, hi)
    t = pickupStop(s, crew, stop.site, t, stop.parcels, stop.doorMin ?? o.doorMin)
  }
  t += s.minutes(lo, hi)
  s.event({ at: t + MIN, type: 'door', truck: crew.truck, open: true })
  const parcels = o.pickups.flatMap((p) => p.parcels)
  parcels.forEach((p, i) => {
    if (!p.box) throw new Error(`${p.no}: only boxed parcels go through a hub`)
    const u = t + 2 * MIN + i * 30_000
    scan(s, crew.scanner, p.no, 'unload', u, crew.truck, o.hub)
    s.event({ at: u + 30_000, type: 'place', box: p.box, place: { site: o.hub } })
    scan(s, o.hubScanner, p.no, 'hub_in', u + 2 * MIN, null, o.hub)
  })
  const done = t + 3 * MIN + parcels.length * 30_000
  s.event({
    at: Math.max(done, t + (1 + (o.doorMin ?? 4)) * MIN),
    type: 'door',
    truck: crew.truck,
    open: false,
  })
  return done + 2 * MIN
}

/** Last mile: hub_out and load at the hub, then one customer after another. Returns the last delivery. */
export function lastMile(
  s: Scope,
  crew: Crew,
  o: {
    departAt: number
    hub: string
    hubScanner: string
    deliveries: { parcel: Parcel; site: string }[]
  } & StopTiming,
): number {
  const loadAt = o.departAt - 10 * MIN
  s.event({ at: loadAt, type: 'door', truck: crew.truck, open: true })
  o.deliveries.forEach(({ parcel: p }, i) => {
    if (!p.box) throw new Error(`${p.no}: only boxed parcels go through a hub`)
    const t = loadAt + i * 30_000
    scan(s, o.hubScanner, p.no, 'hub_out', t, crew.truck, o.hub)
    s.event({ at: t + MIN, type: 'place', box: p.box, place: { truck: crew.truck } })
    scan(s, crew.scanner, p.no, 'load', t + MIN, crew.truck, o.hub)
  })
  s.event({
    at: loadAt + Math.max(4 * MIN, o.deliveries.length * 30_000 + 2 * MIN),
    type: 'door',
    truck: crew.truck,
    open: false,
  })
  return deliver(s, crew, o.departAt, o.deliveries, o)
}

/** Same day, door to door: pickups (legs of 15–30 min), then deliveries (legs of `legMin`), on one van. */
export function direct(
  s: Scope,
  crew: Crew,
  o: { departAt: number; pickups: PickupStop[]; deliveries: { parcel: Parcel; site: string }[] } & StopTiming,
): number {
  const [lo, hi] = [15, 30]
  let t = o.departAt
  for (const stop of o.pickups) {
    t += s.minutes(lo, hi)
    t = pickupStop(s, crew, stop.site, t, stop.parcels, stop.doorMin ?? o.doorMin)
  }
  return deliver(s, crew, t, o.deliveries, o)
}

/** out_for_delivery for every parcel at `departAt`, then each customer in turn. */
function deliver(
  s: Scope,
  crew: Crew,
  departAt: number,
  list: { parcel: Parcel; site: string }[],
  o: StopTiming,
): number {
  const [lo, hi] = o.legMin ?? [15, 30]
  list.forEach(({ parcel }, i) => {
    scan(s, crew.scanner, parcel.no, 'out_for_delivery', departAt + i * 10_000, crew.truck, null)
  })
  let t = departAt
  for (const { parcel, site } of list) {
    t += s.minutes(lo, hi)
    s.event({ at: t, type: 'door', truck: crew.truck, open: true })
    if (parcel.box) s.event({ at: t + MIN, type: 'place', box: parcel.box, place: { site } })
    s.event({ at: t + 2 * MIN, type: 'door', truck: crew.truck, open: false })
    scan(s, crew.scanner, parcel.no, 'delivered', t + 3 * MIN, null, site)
    t += 4 * MIN
  }
  return t
}

/** One scan by `scanner` at `at`. */
export function scan(
  s: Scope,
  scanner: string,
  waybill: string,
  event: ScanEvent,
  at: number,
  container: string | null,
  site: string | null,
): void {
  s.event({ at, type: 'scan', scanner, waybill, event, container, site })
}
