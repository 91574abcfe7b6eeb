import type { Metrics } from '../../src/metrics.js'
import type { Decoded, ReadingRecord, ScanRecord, StatusRecord } from '../../src/model.js'
import type { Database } from '../../src/store/database.js'

/**
 * What one group commit carries through the pipeline. The store steps fill `stored` with the records that were
 * new (re-sends are left out), so later steps act on each record exactly once.
 */
export interface CommitContext {
  messages: Decoded[]
  committedAt: number
  stored: { readings: ReadingRecord[]; scans: ScanRecord[]; statuses: StatusRecord[] }
  /** Facts for listeners after the commit (dashboards, relay wake-ups); filled by domain steps. */
  events: unknown[]
}

/** A pipeline step: prepared once against the database, then run inside each group commit's transaction. */
export interface Step {
  name: string
  /** Store steps are essential: if one throws, the whole commit fails and nothing is acknowledged. */
  essential: boolean
  run(ctx: CommitContext): void
}

export interface StepDeps {
  db: Database
  metrics: Metrics
}

export type StepFactory = (deps: StepDeps) => Step
