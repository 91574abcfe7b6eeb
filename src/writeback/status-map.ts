/**
 * Scan event → canonical status → each platform's codes (specs/cold-chain.md, "Canonical tracking status
 * model"). Adapters only ever see canonical statuses; this is the one place that knows platform codes.
 */
import type { ScanEvent } from '../model.js'
import type { CanonicalStatus, ExceptionReason } from './types.js'

const canonicalOfScan: Record<ScanEvent, CanonicalStatus> = {
  pickup: 'picked_up',
  load: 'in_transit',
  unload: 'in_transit',
  hub_in: 'in_transit',
  hub_out: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  delivered: 'delivered',
  exception: 'exception',
}

export function statusOfScan(scan: ScanEvent): CanonicalStatus {
  return canonicalOfScan[scan]
}

/** What a status map needs to know about one node. */
export interface NodeStatus {
  status: CanonicalStatus
  exceptionReason?: ExceptionReason
  arrivingDestinationCity?: boolean
}

/**
 * Kdniao State / StateEx. State: 0 no track, 1 picked up, 2 in transit, 3 signed, 4 problem. StateEx refines:
 * 201 arriving in the destination city, 202 out for delivery, 402 not signed in time, 403 not updated in
 * time, 404 refused or returned.
 */
export function kdniaoState(node: NodeStatus): { State: string; StateEx: string } {
  switch (node.status) {
    case 'picked_up':
      return { State: '1', StateEx: '1' }
    case 'in_transit':
      return { State: '2', StateEx: node.arrivingDestinationCity ? '201' : '2' }
    case 'out_for_delivery':
      return { State: '2', StateEx: '202' }
    case 'delivered':
      return { State: '3', StateEx: '3' }
    case 'exception':
      return { State: '4', StateEx: kdniaoExceptionEx[node.exceptionReason ?? 'none'] }
  }
}

const kdniaoExceptionEx: Record<ExceptionReason | 'none', string> = {
  none: '4',
  not_signed_in_time: '402',
  not_updated_in_time: '403',
  refused_or_returned: '404',
}

/**
 * Cainiao logistics action codes for the trace payload (inferred: the action vocabulary of Cainiao's public
 * trace queries — GOT, ARRIVE, DEPARTURE, SENT_SCAN, SIGN, FAILED; no public source documents the
 * courier-side push).
 */
export function cainiaoAction(node: NodeStatus, scan: ScanEvent): string {
  switch (node.status) {
    case 'picked_up':
      return 'GOT'
    case 'in_transit':
      return scan === 'unload' || scan === 'hub_in' ? 'ARRIVE' : 'DEPARTURE'
    case 'out_for_delivery':
      return 'SENT_SCAN'
    case 'delivered':
      return 'SIGN'
    case 'exception':
      return 'FAILED'
  }
}

const scanLabel: Record<ScanEvent, string> = {
  pickup: '快件已揽收',
  load: '快件已装车',
  unload: '快件已卸车',
  hub_in: '快件已到达',
  hub_out: '快件已离开',
  out_for_delivery: '快件派送中',
  delivered: '快件已签收',
  exception: '快件异常',
}

/** The buyer-facing line of a trace entry when the producer gave none: `【location】label`. */
export function describeScan(scan: ScanEvent, locationName: string | null | undefined): string {
  return locationName ? `【${locationName}】${scanLabel[scan]}` : scanLabel[scan]
}
