/**
 * The custody model: which container holds a waybill, and which vehicle carries a container, over device time.
 *
 * Scans (contract: `waybill`, `event`, optional `container`) are replayed per waybill in device-time order
 * (ties: journey order of the event, then device id and seq), so the result depends only on the set of scans,
 * never on the order in which they arrived. Two kinds of fact come out of a waybill's replay:
 *
 * 1. Waybill intervals — the waybill directly inside a container:
 *    - `pickup` with container C: the waybill is packed into C (its *unit*: an insulated box, or the vehicle
 *      itself when the parcel travels loose) from the scan's time. Without a container the courier holds the
 *      parcel and it is in no container. A later pickup re-packs it (closes the previous interval).
 *    - `load` / `hub_out` / `out_for_delivery` with container V (a vehicle): when the waybill has a unit U
 *      other than V, the *unit* goes onto V (a container move, below) and the waybill stays in U; when it has no
 *      unit it goes onto V loose (a waybill interval in V). Without a container: no change.
 *    - `unload` / `hub_in`: when the scan names the waybill's own unit, the waybill is taken out of it (the
 *      pickup vehicle is emptied at the hub, or the box unpacked) and is loose; otherwise, when it has a unit,
 *      the unit is taken off its vehicle (a container move to none); when it is loose on a vehicle it leaves it.
 *    - `delivered`: custody ends: every interval of the waybill closes; its box stays where it is.
 *    - `exception`: custody is unchanged.
 * 2. Container moves — a unit put onto a vehicle, or taken off any, at the scan's time. The intervals of a
 *    container are the runs between its moves, over the moves made by the scans of every waybill it held (so
 *    loading one box onto a truck moves every parcel inside it, whichever parcel was scanned).
 *
 * Contradictions are kept and flagged, never dropped: a movement before any pickup ("delivered before pickup"),
 * any scan but an exception after delivery, an unload from another vehicle than the one the parcel is on.
 * Custody still follows such scans: the scan states a physical fact more often than it errs.
 *
 * Exposure: a waybill takes its temperature from the innermost container around it that has a sensor
 * (`devices.container`): its box's sensor over the truck's; a box without a sensor on a truck takes the truck's.
 * Intervals are half-open [from, to) in device time; `to` null while open.
 */
import type { ScanEvent } from '../model.js'

/** What a custody interval's child is: a waybill, or a container (a box on a vehicle). */
export type ChildKind = 'waybill' | 'container'

/** The scan a fact comes from: its (device, seq) identity. */
export interface ScanRef {
  deviceId: string
  seq: number
}

/** A child inside (or on) a parent container over [fromTs, toTs). */
export interface CustodyInterval {
  childKind: ChildKind
  childId: string
  parent: string
  fromTs: number
  toTs: number | null
  openedBy: ScanRef
}

/** A container put onto a vehicle (`parent`), or taken off any (`parent` null), by a waybill's scan. */
export interface ContainerMove extends ScanRef {
  waybill: string
  container: string
  parent: string | null
  ts: number
  rank: number
}

/** A scan as the replay reads it. */
export interface ScanFact extends ScanRef {
  ts: number
  event: ScanEvent
  container: string | null
}

/** Orders facts by device time, then journey order of the event, then device id and seq. */
export function compareFacts(
  a: ScanRef & { ts: number; rank: number },
  b: ScanRef & { ts: number; rank: number },
): number {
  if (a.ts !== b.ts) return a.ts - b.ts
  if (a.rank !== b.rank) return a.rank - b.rank
  if (a.deviceId !== b.deviceId) return a.deviceId < b.deviceId ? -1 : 1
  return a.seq - b.seq
}
