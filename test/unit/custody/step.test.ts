import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GroupCommit } from '../../../ingest/group-commit.js'
import { pipeline } from '../../../ingest/pipeline.js'
import type { CommitContext } from '../../../ingest/steps/step.js'
import { loadConfig } from '../../../src/config.js'
import type { CustodyEvent } from '../../../src/custody/events.js'
import { createLogger } from '../../../src/log.js'
import { Metrics } from '../../../src/metrics.js'
import type { Decoded, ScanRecord } from '../../../src/model.js'
import type { Database } from '../../../src/store/database.js'
import { memoryDb } from '../orders/fixtures.js'
import { scan } from './fixtures.js'

const config = loadConfig({}, { store: { file: ':memory:', groupCommitMs: 1 } })
const log = createLogger({ level: 'silent' })
const message = (...scans: ScanRecord[]): Decoded => ({ readings: [], scans, statuses: [], deadLetters: [] })

describe('the custody pipeline step', () => {
  let db: Database
  let metrics: Metrics
  let commit: GroupCommit
  let committed: CommitContext[]
  beforeEach(() => {
    db = memoryDb()
    metrics = new Metrics({ defaultMetrics: false })
    commit = new GroupCommit(db, pipeline, config.store, metrics, log)
    committed = []
    commit.onCommit((ctx) => committed.push(ctx))
    commit.start()
  })
  afterEach(() => {
    commit.stop()
    db.close()
  })
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

  it('makes each new scan of a commit a node and reports the events after the commit', async () => {
    const pickup = scan('W1', 'pickup', '08:00', 'BOX-1')
    await Promise.all([
      commit.submit(message(pickup)),
      commit.submit(message(scan('W1', 'load', '09:00', 'TRUCK-1'))),
    ])
    expect(count('tracking_nodes')).toBe(2)
    const events = committed.flatMap((c) => c.events as CustodyEvent[])
    expect(
      events.filter((e) => e.type === 'node.created').map((e) => e.type === 'node.created' && e.node.event),
    ).toEqual(['pickup', 'load'])
    // A re-sent scan is not new: no second node, no event.
    committed.length = 0
    await commit.submit(message(pickup))
    expect(count('tracking_nodes')).toBe(2)
    expect(committed.flatMap((c) => c.events)).toEqual([])
  })

  it('keeps the raw scan when custody fails, logs and counts the failure', async () => {
    db.exec('DROP TABLE container_moves')
    await commit.submit(
      message(scan('W1', 'pickup', '08:00', 'BOX-1'), scan('W1', 'load', '09:00', 'TRUCK-1')),
    )
    expect(count('scans')).toBe(2)
    expect(count('tracking_nodes')).toBe(0) // the step's savepoint rolled back as a whole
    expect(committed.flatMap((c) => c.events)).toEqual([])
    expect((await metrics.stepFailures.get()).values).toEqual([
      expect.objectContaining({ labels: { step: 'custody' }, value: 1 }),
    ])
  })
})
