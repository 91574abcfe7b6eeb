/**
 * Replays one waybill's scans in device-time order into its custody facts (see `model.ts`). Pure: the same set
 * of scans gives the same result whatever order they arrived in, which is what places late scans correctly.
 */

import {
  type ContainerMove,
  type CustodyInterval,
  compareFacts,
  type ScanFact,
  type ScanRef,
} from './model.js'
import { type CanonicalStatus, canonicalStatus, eventRank } from './status.js'

/** Everything a waybill's scans say about it. */
export interface Replay {
  /** The waybill's own intervals (directly inside a container), by time. */
  intervals: CustodyInterval[]
  /** Moves of its units onto and off vehicles. */
  moves: ContainerMove[]
  /** Why each contradicting scan contradicts custody, by `refKey`. */
  contradictions: Map<string, string>
  /** Canonical status of the latest scan; null without scans. */
  status: CanonicalStatus | null
  /** Device time of the first scan other than an exception. */
  pickedUpAt: number | null
  /** Device time of the first delivered scan. */
  deliveredAt: number | null
}

export function refKey(ref: ScanRef): string {
  return `${ref.deviceId}\u0000${ref.seq}`
}

const VEHICLE_EVENTS = new Set(['load', 'hub_out', 'out_for_delivery'])
const OFF_EVENTS = new Set(['unload', 'hub_in'])

/**
 * Appends an interval, dropping it when empty and joining it to the previous one when they touch with the same
 * parent (two scans at the same instant must not leave a seam).
 */
export function pushInterval(out: CustodyInterval[], interval: CustodyInterval): void {
  if (interval.toTs !== null && interval.toTs <= interval.fromTs) return
  const last = out.at(-1)
  if (last && last.parent === interval.parent && last.toTs === interval.fromTs) {
    last.toTs = interval.toTs
    return
  }
  out.push(interval)
}

export function replayWaybill(waybill: string, scans: readonly ScanFact[]): Replay {
  const facts = scans.map((s) => ({ ...s, rank: eventRank(s.event) })).sort(compareFacts)
  const intervals: CustodyInterval[] = []
  const moves: ContainerMove[] = []
  const contradictions = new Map<string, string>()
  let open: Omit<CustodyInterval, 'toTs'> | null = null
  let unit: string | null = null // the container the waybill is packed in
  let unitVehicle: string | null = null // where this waybill's own scans put that unit
  let loose: string | null = null // the vehicle it is on without a unit
  let pickedUp = false
  let pickedUpAt: number | null = null
  let deliveredAt: number | null = null

  const parentNow = (): string | null => open?.parent ?? null
  const close = (ts: number) => {
    if (open) pushInterval(intervals, { ...open, toTs: ts })
    open = null
  }
  const enter = (parent: string, fact: ScanFact) => {
    if (open?.parent === parent) return // already there: the first scan that put it there stays the opener
    close(fact.ts)
    open = {
      childKind: 'waybill',
      childId: waybill,
      parent,
      fromTs: fact.ts,
      openedBy: { deviceId: fact.deviceId, seq: fact.seq },
    }
  }
  const move = (fact: ScanFact & { rank: number }, container: string, parent: string | null) => {
    moves.push({
      deviceId: fact.deviceId,
      seq: fact.seq,
      waybill,
      container,
      parent,
      ts: fact.ts,
      rank: fact.rank,
    })
  }

  for (const fact of facts) {
    const { event, container, ts } = fact
    const key = refKey(fact)
    if (event === 'exception') continue
    pickedUpAt ??= ts
    if (deliveredAt !== null) {
      contradictions.set(key, `${event} after delivery at ${new Date(deliveredAt).toISOString()}`)
    } else if (!pickedUp && event !== 'pickup') {
      contradictions.set(key, `${event} before pickup`)
    }
    if (event === 'pickup') {
      pickedUp = true
      if (!container || parentNow() !== container) close(ts) // re-packed elsewhere, or held without one
      unit = container
      unitVehicle = null
      loose = null
      if (container) enter(container, fact)
    } else if (VEHICLE_EVENTS.has(event)) {
      if (!container || container === unit) continue
      if (unit) {
        move(fact, unit, container)
        unitVehicle = container
      } else if (loose !== container) {
        enter(container, fact)
        loose = container
      }
    } else if (OFF_EVENTS.has(event)) {
      if (unit && container === unit) {
        close(ts)
        unit = null
        unitVehicle = null
      } else if (unit) {
        if (container && unitVehicle && container !== unitVehicle && !contradictions.has(key)) {
          contradictions.set(key, `${event} from ${container}, but its unit ${unit} is on ${unitVehicle}`)
        }
        move(fact, unit, null)
        unitVehicle = null
      } else if (loose) {
        if (container && container !== loose && !contradictions.has(key)) {
          contradictions.set(key, `${event} from ${container}, but it is on ${loose}`)
        }
        close(ts)
        loose = null
      }
    } else if (event === 'delivered') {
      close(ts)
      unit = null
      unitVehicle = null
      loose = null
      deliveredAt ??= ts
    }
  }
  if (open) pushInterval(intervals, { ...(open as Omit<CustodyInterval, 'toTs'>), toTs: null })
  const last = facts.at(-1)
  return {
    intervals,
    moves,
    contradictions,
    status: last ? canonicalStatus(last.event) : null,
    pickedUpAt,
    deliveredAt,
  }
}
