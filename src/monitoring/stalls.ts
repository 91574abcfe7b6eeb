/**
 * Transit stalled (issue 3; platforms call it a stalled transfer): a waybill on the move whose newest tracking
 * node is older than its SLA tier allows (src/rules/stall.ts). The time without a node is measured from when the
 * newest node was RECEIVED, the wall clock told in its scanner's time (device-clock.ts): a scanner whose clock
 * runs behind is not stalled for that. Each stall is a finding `{waybill}:stall:{last node time}`, reported
 * once, and ended by the next node.
 */
import type { TrackingNode } from '../custody/nodes.js'
import { checkStall, type SlaTier, type StallParams } from '../rules/index.js'
import type { Database } from '../store/database.js'
import { deviceNow } from './device-clock.js'
import type { TransitResumedEvent, TransitStalledEvent } from './events.js'
import type { FindingStore } from './findings.js'

interface Candidate {
  no: string
  sla_tier: SlaTier
  profile: string
  ts: number
  received_at: number
  event: string
}

export const stallId = (waybill: string, lastNodeAt: number): string =>
  `${waybill}:stall:${new Date(lastNodeAt).toISOString()}`

export class StallWatch {
  private readonly candidates

  constructor(
    db: Database,
    private readonly findings: FindingStore,
    private readonly limits: StallParams,
  ) {
    // Only waybills whose newest node was received longer ago than the shortest limit can be stalled: the
    // rest are skipped in SQL (waybills_moving and tracking_nodes_waybill_ts make this one range read per
    // moving waybill).
    this.candidates = db.prepare<[number], Candidate>(
      `SELECT w.no, w.sla_tier, w.profile, n.ts, n.received_at, n.event FROM waybills w
         JOIN tracking_nodes n ON n.id = (SELECT id FROM tracking_nodes WHERE waybill = w.no ORDER BY ts DESC, id DESC LIMIT 1)
        WHERE w.status IN ('picked_up', 'in_transit', 'out_for_delivery', 'exception') AND n.received_at < ?`,
    )
  }

  /** Stalls that became due by `now` (wall time) and were not reported yet. Runs in the caller's transaction. */
  sweep(now: number): TransitStalledEvent[] {
    const shortest = Math.min(...Object.values(this.limits))
    const events: TransitStalledEvent[] = []
    for (const c of this.candidates.all(now - shortest)) {
      const stall = checkStall(c.ts, c.sla_tier, deviceNow({ ts: c.ts, at: c.received_at }, now), this.limits)
      if (!stall.stalled) continue
      const id = stallId(c.no, c.ts)
      if (this.findings.get(id)) continue
      const detail = { lastNodeAt: c.ts, lastEvent: c.event, dueAt: stall.since, slaTier: c.sla_tier }
      this.findings.put(
        {
          id,
          waybill: c.no,
          kind: 'stall',
          state: 'open',
          startedAt: stall.since,
          endedAt: null,
          detectedLate: false,
          severity: 'major',
          profile: c.profile,
          detail: { ...detail, maxIntervalMs: stall.maxIntervalMs },
          reason: null,
          supersededBy: null,
        },
        now,
      )
      events.push({
        type: 'transit.stalled',
        waybill: c.no,
        stallId: id,
        ...detail,
        maxIntervalMs: stall.maxIntervalMs,
      })
    }
    return events
  }

  /** A new node ends the waybill's open stalls that it follows. */
  resume(node: TrackingNode, now: number): TransitResumedEvent[] {
    const events: TransitResumedEvent[] = []
    for (const f of this.findings.openStalls(node.waybill)) {
      const lastNodeAt = f.detail['lastNodeAt']
      if (typeof lastNodeAt === 'number' && node.ts <= lastNodeAt) continue
      this.findings.put({ ...f, state: 'closed', endedAt: node.ts }, now)
      events.push({ type: 'transit.resumed', waybill: node.waybill, stallId: f.id, nodeAt: node.ts })
    }
    return events
  }
}
