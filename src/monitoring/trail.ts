/**
 * The temperature trail of a waybill (issue 3 "Trail"): every reading that applied to it with the custody
 * segment it came from, the tracking nodes with their hand-over snapshots, the excursions (withdrawn ones with
 * their reason), data gaps and stalls as monitoring reported them, and a summary (min, max, mean, MKT, time out
 * of range, budget left, time unknown) evaluated afresh from the readings under the waybill's profile now.
 */
import type { TrackingNode } from '../custody/nodes.js'
import { custodyOf } from '../custody/service.js'
import { summarizeTrail, type TemperatureProfile, type TrailSummary } from '../rules/index.js'
import type { Database } from '../store/database.js'
import type { Finding } from './findings.js'
import type { Monitor } from './monitor.js'
import type { Segment, SeriesReading } from './series.js'

/** Readings in one trail at most; a longer one is cut to its newest (`truncated`). */
export const MAX_TRAIL_READINGS = 50_000

export interface Trail {
  waybill: string
  profile: { name: string; profile: TemperatureProfile } | null
  segments: Segment[]
  readings: SeriesReading[]
  truncated: boolean
  nodes: TrackingNode[]
  excursions: Finding[]
  gaps: Finding[]
  stalls: Finding[]
  budget: Finding | null
  /** Null when the waybill has no profile the engine can resolve. */
  summary: TrailSummary | null
}

export class TrailReader {
  private readonly nodes

  constructor(
    db: Database,
    private readonly monitor: Monitor,
  ) {
    this.nodes = custodyOf(db).nodes
  }

  of(no: string): Trail {
    const { segments, readings } = this.monitor.history.seriesOf(no)
    const wp = this.monitor.profileOf(no)
    const findings = this.monitor.findings.list(no)
    const truncated = readings.length > MAX_TRAIL_READINGS
    return {
      waybill: no,
      profile: wp ? { name: wp.profileName, profile: wp.params.profile } : null,
      segments,
      readings: truncated ? readings.slice(-MAX_TRAIL_READINGS) : readings,
      truncated,
      nodes: this.nodes.ofWaybill(no),
      excursions: findings.filter((f) => f.kind === 'temperature' || f.kind === 'humidity'),
      gaps: findings.filter((f) => f.kind === 'data_gap'),
      stalls: findings.filter((f) => f.kind === 'stall'),
      budget: findings.find((f) => f.kind === 'budget') ?? null,
      summary: wp ? summarizeTrail(readings, wp.params.profile) : null,
    }
  }
}
