/** Stalled transit: tracking nodes of a waybill too far apart for its SLA tier (ground-truth.ts). Pure. */

/** A node: a scan's device time and event. */
export interface Node {
  ts: number
  event: string
}

/** A stall found. */
export interface Stall {
  since: number
  lastEvent: string
  due: number
  until: number | null
}

/** `nodes` sorted by ts; `runEnd` closes the last interval when the waybill was not delivered. */
export function findStalls(nodes: readonly Node[], limitMs: number, runEnd: number): Stall[] {
  const stalls: Stall[] = []
  nodes.forEach((n, i) => {
    if (n.event === 'delivered') return
    const next = nodes[i + 1]
    const until = next ? next.ts : null
    if ((until ?? runEnd) - n.ts > limitMs)
      stalls.push({ since: n.ts, lastEvent: n.event, due: n.ts + limitMs, until })
  })
  return stalls
}
