import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GroupCommit } from '../../../../ingest/group-commit.js'
import { pipeline } from '../../../../ingest/pipeline.js'
import type { CommitContext } from '../../../../ingest/steps/step.js'
import { loadConfig } from '../../../../src/config.js'
import { createLogger } from '../../../../src/log.js'
import { Metrics } from '../../../../src/metrics.js'
import type { Decoded, ScanRecord } from '../../../../src/model.js'
import { scan } from '../../custody/fixtures.js'
import { addOrder, addTarget, rows, type World, world } from './fixtures.js'

const config = loadConfig({}, { store: { file: ':memory:', groupCommitMs: 1 } })
const message = (...scans: ScanRecord[]): Decoded => ({ readings: [], scans, statuses: [], deadLetters: [] })

describe('the outbox pipeline step', () => {
  let w: World
  let commit: GroupCommit
  let committed: CommitContext[]
  beforeEach(() => {
    w = world()
    commit = new GroupCommit(
      w.db,
      pipeline,
      config.store,
      new Metrics({ defaultMetrics: false }),
      createLogger({ level: 'silent' }),
    )
    committed = []
    commit.onCommit((ctx) => committed.push(ctx))
    commit.start()
  })
  afterEach(() => {
    commit.stop()
    w.db.close()
  })

  it('runs last and writes the rows of the nodes stored in the same commit', () => {
    expect(pipeline.at(-1)?.({ db: w.db, metrics: new Metrics({ defaultMetrics: false }) }).name).toBe(
      'outbox',
    )
  })

  it('writes a scan’s outbox rows in the commit that stores it, then reports them', async () => {
    addTarget(w, 'webhook')
    addOrder(w, 'W1')
    await commit.submit(message(scan('W1', 'pickup', '08:00'), scan('W1', 'load', '09:00')))
    expect(rows(w.db).map((r) => [r.type, r.event_id])).toEqual([
      ['tracking.node', 'node:1'],
      ['shipment.confirmed', 'ship:W1:taobao:taobao-W1'],
      ['tracking.node', 'node:2'],
    ])
    expect(committed.flatMap((c) => c.events).at(-1)).toEqual({ type: 'outbox.enqueued', rows: 3 })
  })

  it('reports nothing when no target takes the commit’s facts', async () => {
    addOrder(w, 'W1')
    await commit.submit(message(scan('W1', 'load', '09:00')))
    expect(
      committed.flatMap((c) => c.events).some((e) => (e as { type: string }).type === 'outbox.enqueued'),
    ).toBe(false)
  })
})
