/**
 * Which readings apply to which waybills (architecture: "a reading applies to the waybills inside its sensor's
 * container at the reading's device time; a waybill takes its temperature from the innermost container that has
 * a sensor"). Open intervals come from the in-memory index and history from SQL; sensors from the in-memory
 * sensor directory. Each call takes one consistent view of both (checked against the store once per call).
 */
import type { ChildRef, CustodyStore } from './intervals.js'
import type { ChildKind } from './model.js'
import type { OpenIndex } from './open-index.js'
import type { SensorDirectory } from './sensors.js'

/** Containers nest box-in-vehicle, at most a pickup vehicle on a truck: deeper chains mean a loop. */
const MAX_DEPTH = 4

/** Where a waybill's temperature comes from at one instant. */
export interface TemperatureSource {
  /** The innermost container around the waybill that has a sensor. */
  container: string
  /** Its enabled sensors, by id. */
  devices: string[]
  /** The containers around the waybill, innermost first, up to and including `container`. */
  path: string[]
}

/** What the exposure queries read from memory, current as of the call. */
export interface CustodyView {
  index: OpenIndex
  sensors: SensorDirectory
}

export class Exposure {
  constructor(
    private readonly store: CustodyStore,
    private readonly view: () => CustodyView,
  ) {}

  /** The containers around a waybill at ts, innermost first. */
  pathAt(waybill: string, ts: number): string[] {
    return this.path(this.view().index, waybill, ts)
  }

  /** The waybills in a container at ts, directly or inside containers in it (a box on a truck). */
  waybillsInContainerAt(container: string, ts: number): string[] {
    return this.collect(this.view().index, container, ts, () => false)
  }

  /** The innermost container around the waybill at ts that has a sensor, or null (no sensor: unknown). */
  sensorForWaybillAt(waybill: string, ts: number): TemperatureSource | null {
    const { index, sensors } = this.view()
    const path: string[] = []
    for (const container of this.path(index, waybill, ts)) {
      path.push(container)
      const devices = sensors.in(container)
      if (devices.length > 0) return { container, devices: [...devices], path }
    }
    return null
  }

  /**
   * The waybills a reading of this device at ts applies to: those in the device's container whose innermost
   * sensored container it is. Containers with their own sensor are skipped with everything inside them: their
   * waybills take that sensor (box sensor over truck sensor).
   */
  waybillsForReading(deviceId: string, ts: number): string[] {
    return this.readingLookup()(deviceId, ts)
  }

  /**
   * `waybillsForReading` for many readings (a commit's): the store is asked once whether the index is current,
   * not once per reading. Use it within one synchronous run that changes no custody.
   */
  readingLookup(): (deviceId: string, ts: number) => string[] {
    const { index, sensors } = this.view()
    const skip = (c: string) => sensors.has(c)
    return (deviceId, ts) => {
      const container = sensors.containerOfDevice(deviceId)
      return container === null ? [] : this.collect(index, container, ts, skip)
    }
  }

  private parentAt(index: OpenIndex, kind: ChildKind, id: string, ts: number): string | null {
    const fromIndex = index.parentAt(kind, id, ts)
    return fromIndex !== undefined ? fromIndex : this.store.parentAt(kind, id, ts)
  }

  private path(index: OpenIndex, waybill: string, ts: number): string[] {
    const path: string[] = []
    let current = this.parentAt(index, 'waybill', waybill, ts)
    while (current !== null && path.length < MAX_DEPTH && !path.includes(current)) {
      path.push(current)
      current = this.parentAt(index, 'container', current, ts)
    }
    return path
  }

  /** Walks down from a container, not entering containers for which `skip` holds. */
  private collect(
    index: OpenIndex,
    root: string,
    ts: number,
    skip: (container: string) => boolean,
  ): string[] {
    const waybills: string[] = []
    const seen = new Set<string>([root])
    let level = [root]
    for (let depth = 0; depth < MAX_DEPTH && level.length > 0; depth++) {
      const next: string[] = []
      for (const container of level) {
        const children: ChildRef[] = index.childrenAt(container, ts) ?? this.store.childrenAt(container, ts)
        for (const child of children) {
          if (child.kind === 'waybill') waybills.push(child.id)
          else if (!seen.has(child.id) && !skip(child.id)) {
            seen.add(child.id)
            next.push(child.id)
          }
        }
      }
      level = next
    }
    // A waybill has one parent at a time, so it is found once; sorted for stable answers.
    return waybills.sort()
  }
}
