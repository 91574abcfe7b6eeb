/**
 * The canonical tracking status of each scan event: the one mapping of `specs/cold-chain.md` ("Canonical
 * tracking status model"). Platform adapters map these statuses to their own codes.
 */
import type { ScanEvent } from '../model.js'

export const canonicalStatuses = [
  'picked_up',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
] as const
export type CanonicalStatus = (typeof canonicalStatuses)[number]

const byEvent: Readonly<Record<ScanEvent, CanonicalStatus>> = {
  pickup: 'picked_up',
  load: 'in_transit',
  unload: 'in_transit',
  hub_in: 'in_transit',
  hub_out: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  delivered: 'delivered',
  exception: 'exception',
}

export function canonicalStatus(event: ScanEvent): CanonicalStatus {
  return byEvent[event]
}

/**
 * Order of events within one device-time instant, following the journey: when a pickup and a load carry the
 * same timestamp (coarse scanner clocks), the pickup happened first. Used only to break ties of `ts`.
 */
const rankByEvent: Readonly<Record<ScanEvent, number>> = {
  pickup: 0,
  load: 1,
  hub_out: 2,
  out_for_delivery: 3,
  unload: 4,
  hub_in: 5,
  exception: 6,
  delivered: 7,
}

export function eventRank(event: ScanEvent): number {
  return rankByEvent[event]
}
