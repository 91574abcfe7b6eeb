import { type fdatasync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GroupCommit } from '../../../ingest/group-commit.js'
import { pipeline } from '../../../ingest/pipeline.js'
import type { Step, StepFactory } from '../../../ingest/steps/step.js'
import { loadConfig } from '../../../src/config.js'
import { createLogger } from '../../../src/log.js'
import { Metrics } from '../../../src/metrics.js'
import type { Decoded, ReadingRecord } from '../../../src/model.js'
import { type Database, openDatabase } from '../../../src/store/database.js'
import { WalSync } from '../../../src/store/wal-sync.js'

const config = loadConfig({}, { store: { file: ':memory:', groupCommitMs: 1, groupCommitMaxMessages: 3 } })
const log = createLogger({ level: 'silent' })

function reading(seq: number, tempC = 4): ReadingRecord {
  return {
    deviceId: 'box-1',
    seq,
    ts: 1000 + seq,
    receivedAt: 2000,
    tempC,
    rh: null,
    doorOpen: null,
    lat: null,
    lon: null,
    batteryPct: null,
    quality: 'ok',
    fault: null,
  }
}
function message(...readings: ReadingRecord[]): Decoded {
  return { readings, scans: [], statuses: [], deadLetters: [] }
}

describe('group commit', () => {
  let db: Database
  let metrics: Metrics
  beforeEach(() => {
    db = openDatabase('.', config.store)
    metrics = new Metrics({ defaultMetrics: false })
  })
  afterEach(() => db.close())
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n

  it('settles a submission only once its rows are committed', async () => {
    const commit = new GroupCommit(db, pipeline, config.store, metrics, log)
    commit.start()
    const done = commit.submit(message(reading(1)))
    expect(count('readings')).toBe(0)
    await done
    expect(count('readings')).toBe(1)
  })

  it('commits many messages in one transaction, at the size limit without waiting', async () => {
    const commit = new GroupCommit(db, pipeline, config.store, metrics, log)
    commit.start()
    const pending = [1, 2, 3].map((seq) => commit.submit(message(reading(seq))))
    expect(count('readings')).toBe(3)
    await Promise.all(pending)
    const sizes = await metrics.commitSize.get()
    expect(sizes.values.find((v) => v.metricName === 'cc_store_commit_messages_count')?.value).toBe(1)
  })

  it('stores a re-sent (device, seq) once and counts the duplicate', async () => {
    const commit = new GroupCommit(db, pipeline, config.store, metrics, log)
    commit.start()
    await commit.submit(message(reading(5)))
    await commit.submit(message(reading(5)))
    expect(count('readings')).toBe(1)
    expect((await metrics.duplicates.get()).values[0]?.value).toBe(1)
  })

  it('dead-letters a reused seq with other content instead of dropping it', async () => {
    const commit = new GroupCommit(db, pipeline, config.store, metrics, log)
    commit.start()
    await commit.submit(message(reading(5, 4)))
    await commit.submit(message({ ...reading(5, 9), ts: 99_999 }))
    expect(count('readings')).toBe(1)
    expect(db.prepare('SELECT reason FROM dead_letters').all()).toEqual([{ reason: 'INGEST_SEQ_CONFLICT' }])
  })

  it('goes on when a non-essential step throws, rolling back only that step', async () => {
    const failing: StepFactory = ({ db: d }): Step => ({
      name: 'exploding',
      essential: false,
      run() {
        d.prepare(
          "INSERT INTO dead_letters (received_at, topic, reason, detail, sample, payload_bytes) VALUES (0, 't', 'X', 'd', '', 0)",
        ).run()
        throw new Error('boom')
      },
    })
    const commit = new GroupCommit(db, [...pipeline, failing], config.store, metrics, log)
    commit.start()
    await commit.submit(message(reading(1)))
    expect(count('readings')).toBe(1)
    expect(count('dead_letters')).toBe(0)
    expect((await metrics.stepFailures.get()).values[0]).toMatchObject({
      labels: { step: 'exploding' },
      value: 1,
    })
  })

  it('rejects every submission of a commit that fails, and stores none of it', async () => {
    const failing: StepFactory = () => ({
      name: 'essential-failure',
      essential: true,
      run() {
        throw new Error('disk full')
      },
    })
    const commit = new GroupCommit(db, [...pipeline, failing], config.store, metrics, log)
    commit.start()
    await expect(commit.submit(message(reading(1)))).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' })
    expect(count('readings')).toBe(0)
  })

  it('commits what is queued when stopped and refuses new work after', async () => {
    const commit = new GroupCommit(db, pipeline, { ...config.store, groupCommitMs: 60_000 }, metrics, log)
    commit.start()
    await commit.submit(message(reading(0)))
    // The window after that commit holds the next message for a minute, unless the gateway stops.
    const queued = commit.submit(message(reading(1)))
    commit.stop()
    await queued
    expect(count('readings')).toBe(2)
    await expect(commit.submit(message(reading(2)))).rejects.toMatchObject({ code: 'SHUTTING_DOWN' })
  })

  it('commits a message after a quiet spell at once, and holds the next ones for the rest of the window', async () => {
    const commit = new GroupCommit(db, pipeline, { ...config.store, groupCommitMs: 60_000 }, metrics, log)
    commit.start()
    const first = commit.submit(message(reading(1)))
    await new Promise((resolve) => setImmediate(resolve))
    expect(count('readings')).toBe(1)
    await first
    const second = commit.submit(message(reading(2)))
    const third = commit.submit(message(reading(3)))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(count('readings')).toBe(1)
    commit.stop()
    await Promise.all([second, third])
    expect(count('readings')).toBe(3)
  })

  it('on a file with synchronous full, settles messages once the log is synced off the event loop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-gc-'))
    const options = {
      ...config.store,
      file: 'gateway.db',
      synchronous: 'full' as const,
      groupCommitMaxMessages: 100,
    }
    const fileDb = openDatabase(dir, options)
    try {
      const commit = new GroupCommit(fileDb, pipeline, options, metrics, log)
      const told: number[] = []
      commit.onCommit((ctx) => told.push(ctx.stored.readings.length))
      commit.start()
      await Promise.all([commit.submit(message(reading(1))), commit.submit(message(reading(2)))])
      expect(told).toEqual([2])
      const syncs = await metrics.syncSeconds.get()
      expect(syncs.values.find((v) => v.metricName === 'cc_store_sync_seconds_count')?.value).toBe(1)
      // The connection is back at FULL for every other writer.
      expect(fileDb.pragma('synchronous', { simple: true })).toBe(2)
      await commit.stop()
    } finally {
      fileDb.close()
    }
  })

  it('tells the listeners at commit, and settles the messages only when the log is on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-gc-'))
    const options = { ...config.store, file: 'gateway.db', synchronous: 'full' as const }
    const fileDb = openDatabase(dir, options)
    // A disk that finishes each fdatasync only when told to.
    const pending: ((err: NodeJS.ErrnoException | null) => void)[] = []
    const slowDisk = ((_fd: number, done: (err: NodeJS.ErrnoException | null) => void) => {
      pending.push(done)
    }) as typeof fdatasync
    try {
      const commit = new GroupCommit(fileDb, pipeline, options, metrics, log, Date.now, (path) => {
        return new WalSync(path, slowDisk)
      })
      const told: number[] = []
      commit.onCommit((ctx) => told.push(ctx.stored.readings.length))
      commit.start()
      let settled = false
      const done = commit.submit(message(reading(1))).then(() => {
        settled = true
      })
      commit.flush()
      expect(told).toEqual([1])
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(settled).toBe(false)
      expect(pending).toHaveLength(1)
      pending.shift()?.(null)
      await done
      expect(settled).toBe(true)
      await commit.stop()
    } finally {
      fileDb.close()
    }
  })
})
