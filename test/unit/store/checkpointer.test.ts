import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config.js'
import { createLogger } from '../../../src/log.js'
import { Metrics } from '../../../src/metrics.js'
import { Checkpointer, type RestartPolicy } from '../../../src/store/checkpointer.js'
import { type Database, openDatabase } from '../../../src/store/database.js'

const log = createLogger({ level: 'silent' })

async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('the WAL checkpointer', () => {
  let db: Database | null = null
  let checkpointer: Checkpointer | null = null
  afterEach(async () => {
    await checkpointer?.stop()
    db?.close()
  })

  function open(checkpointMs: number, policy?: RestartPolicy) {
    const config = loadConfig(
      {},
      { dataDir: mkdtempSync(join(tmpdir(), 'cc-ckpt-')), store: { checkpointMs } },
    )
    db = openDatabase(config.dataDir, config.store)
    const metrics = new Metrics({ defaultMetrics: false })
    checkpointer = new Checkpointer(db, config.store, metrics, log, policy)
    return { db, metrics, checkpointer }
  }

  const fill = (db: Database, rows: number) => {
    const insert = db.prepare(
      'INSERT INTO dead_letters (received_at, topic, reason, detail, sample, payload_bytes) VALUES (?, ?, ?, ?, ?, ?)',
    )
    for (let i = 0; i < rows; i += 100) {
      db.transaction(() => {
        for (let j = 0; j < 100; j++)
          insert.run(i + j, 't', 'INGEST_SCHEMA', 'x'.repeat(500), 'y'.repeat(500), 1)
      })()
    }
  }

  it('takes checkpoints out of the commits and keeps reusing the log from its start', async () => {
    const { db, metrics, checkpointer } = open(200)
    checkpointer.start()
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0)
    const frames = async () => (await metrics.walFrames.get()).values[0]?.value ?? 0
    fill(db, 6000)
    // The worker saw the log far past the 1,000 pages at which SQLite would have checkpointed inside a commit.
    await until('a checkpoint of the long log', async () => (await frames()) > 1000)
    // Everything copied, a later commit starts the log over: the worker then finds it short.
    await until('the log to start over', async () => {
      fill(db, 100)
      return (await frames()) < 500
    })
  })

  it('makes the log start over when a writer that never pauses kept it growing', async () => {
    // One pass per checkpoint and a low limit: the passes alone let the log grow (see the worker's note).
    const { db, metrics, checkpointer } = open(100, { maxPasses: 1, restartFrames: 300 })
    checkpointer.start()
    const insert = db.prepare(
      'INSERT INTO dead_letters (received_at, topic, reason, detail, sample, payload_bytes) VALUES (?, ?, ?, ?, ?, ?)',
    )
    // A small commit every 2 ms for 2 s.
    let written = 0
    const writer = setInterval(() => {
      db.transaction(() => {
        for (let j = 0; j < 5; j++) insert.run(written++, 't', 'INGEST_SCHEMA', 'x', 'y', 1)
      })()
    }, 2)
    // The log's length in frames at each checkpoint: it falls when the log was started over.
    const lengths: number[] = []
    const sampler = setInterval(async () => {
      const frames = (await metrics.walFrames.get()).values[0]?.value
      if (frames !== undefined && frames !== lengths.at(-1)) lengths.push(frames)
    }, 10)
    await new Promise((resolve) => setTimeout(resolve, 2000))
    clearInterval(writer)
    clearInterval(sampler)
    // Past 300 frames the log is copied whole and started over at the next commit: it stays within the limit
    // plus what 100 ms of commits add (~180 frames here). Without that it reaches 1,400–1,900 frames in 2 s.
    expect(Math.max(...lengths), `log lengths seen: ${lengths.join(', ')}`).toBeLessThan(800)
  })

  it('leaves SQLite its automatic checkpoints when switched off', () => {
    const { db, checkpointer } = open(0)
    checkpointer.start()
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
  })
})
