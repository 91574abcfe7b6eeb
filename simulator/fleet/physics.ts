/**
 * The true physical state of every truck and box, stepped in time: trucks first (they are the boxes'
 * surroundings), then boxes. Physical events (doors, reefer failures, lids, where a box is) change inputs; the
 * thermal models in simulator/thermal do the rest.
 */
import { ambientAt } from '../thermal/ambient.js'
import { type IceBoxState, stepIceBox } from '../thermal/ice-box.js'
import { initialReefer, type ReeferState, stepReefer } from '../thermal/reefer.js'
import type { BoxSpec, Place, SiteSpec, TruckSpec, WorldEvent, WorldPlan } from './plan.js'

/** The air a sensor measures. `doorOpen` is known for trucks only. */
export interface Air {
  tempC: number
  rh: number
  doorOpen: boolean | null
}

interface Box {
  spec: BoxSpec
  state: IceBoxState
  place: Place
}

interface Truck {
  spec: TruckSpec
  state: ReeferState
}

export class Physics {
  private readonly trucks = new Map<string, Truck>()
  private readonly boxes = new Map<string, Box>()
  private readonly sites = new Map<string, SiteSpec>()

  constructor(private readonly plan: WorldPlan) {
    for (const t of plan.trucks)
      this.trucks.set(t.id, { spec: t, state: initialReefer(t.reefer, plan.start, t.initialTempC) })
    for (const b of plan.boxes) {
      this.boxes.set(b.id, {
        spec: b,
        place: b.place,
        state: { tempC: b.initialTempC, rh: 88, pcmFrozen: 1, lidOpen: false },
      })
    }
    for (const s of plan.sites) this.sites.set(s.id, s)
  }

  /** Applies a physical event; false when the event is not physical (scans, connectivity...). */
  apply(e: WorldEvent): boolean {
    switch (e.type) {
      case 'door':
        this.truck(e.truck).state.doorOpen = e.open
        return true
      case 'reefer':
        this.truck(e.truck).state.failed = e.failed
        return true
      case 'lid':
        this.box(e.box).state.lidOpen = e.open
        return true
      case 'place':
        this.box(e.box).place = e.place
        return true
      default:
        return false
    }
  }

  /** Advances every body from `now` by `dtMs`. */
  step(now: number, dtMs: number): void {
    const outside = ambientAt(this.plan.ambient, now)
    const inputs = { ambientC: outside.tempC, ambientRh: outside.rh }
    for (const t of this.trucks.values()) t.state = stepReefer(t.state, t.spec.reefer, inputs, now, dtMs)
    for (const b of this.boxes.values()) {
      b.state = stepIceBox(b.state, b.spec.params, this.surroundings(b.place, now), dtMs)
    }
  }

  /** The air inside a truck or box. */
  air(container: string): Air {
    const t = this.trucks.get(container)
    if (t) return { tempC: t.state.tempC, rh: t.state.rh, doorOpen: t.state.doorOpen }
    const b = this.box(container)
    return { tempC: b.state.tempC, rh: b.state.rh, doorOpen: null }
  }

  /** For tests and progress: a truck's controller state. */
  reefer(id: string): ReeferState {
    return this.truck(id).state
  }

  private surroundings(place: Place, now: number): { tempC: number; rh: number } {
    if ('truck' in place) {
      const t = this.truck(place.truck).state
      return { tempC: t.tempC, rh: t.rh }
    }
    const site = this.sites.get(place.site)
    const outside = ambientAt(this.plan.ambient, now)
    return site?.coldRoomC == null ? outside : { tempC: site.coldRoomC, rh: 85 }
  }

  private truck(id: string): Truck {
    const t = this.trucks.get(id)
    if (!t) throw new Error(`no truck ${id}`)
    return t
  }

  private box(id: string): Box {
    const b = this.boxes.get(id)
    if (!b) throw new Error(`no box ${id}`)
    return b
  }
}
