/**
 * The InfluxDB telemetry sink (issue 6). It follows the store, not the ingest path: a loop on timers reads the
 * rows after each stream's durable cursor, writes them as one request, and advances the cursor only after the
 * server acknowledged. So an InfluxDB outage never blocks or loses ingest — rows wait in SQLite, the system of
 * record — and after an outage or a restart the sink resumes at the cursor. A write that reached the server but
 * whose cursor was not advanced is re-sent; the same series and timestamp overwrite, so replays are idempotent.
 *
 * The client's own batching and in-memory retry buffer (lost on restart) are not used: the cursor is the retry
 * mechanism, and each chunk is flushed explicitly.
 */
import { performance } from 'node:perf_hooks'
import { HttpError, InfluxDB, setLogger, type WriteApi } from '@influxdata/influxdb-client'
import type { Config } from '../../src/config.js'
import type { Logger } from '../../src/log.js'
import type { Metrics } from '../../src/metrics.js'
import type { Database } from '../../src/store/database.js'
import { backoffDelay } from './backoff.js'
import { SinkCursors } from './cursors.js'
import { influxStreams, type SinkStream } from './influx-streams.js'

export interface InfluxSinkDeps {
  db: Database
  config: Config['influx']
  metrics: Metrics
  log: Logger
  clock?: () => number
}

/** Rows read and encoded at a time. */
const SLICE_ROWS = 500
/** Work on a chunk before the sink waits for a turn of the event loop (ingest goes first). */
const SLICE_BUDGET_MS = 8

/** True for a 4xx answer other than 429: the server understood and refused the write. */
function refusedByServer(err: unknown): boolean {
  const cause = err instanceof Error ? err.cause : undefined
  if (!(cause instanceof HttpError)) return false
  return cause.statusCode >= 400 && cause.statusCode < 500 && cause.statusCode !== 429
}

/** A write the server refused or never answered; the chunk stays after the cursor. */
class WriteFailed extends Error {
  override name = 'WriteFailed'
}

export class InfluxSink {
  private readonly clock: () => number
  private streams: SinkStream[] = []
  private cursors: SinkCursors | null = null
  private writeApi: WriteApi | null = null
  private timer: NodeJS.Timeout | null = null
  private running = false
  private pass: Promise<number> | null = null
  private failures = 0
  /** Monotonic (performance.now): backoff must run on real time even when tests inject a frozen clock. */
  private retryAt = 0
  /** Set by the client's writeFailed hook: also catches a part of a chunk the client flushed on its own. */
  private writeError: Error | null = null

  constructor(private readonly deps: InfluxSinkDeps) {
    this.clock = deps.clock ?? Date.now
  }

  start(): void {
    if (this.running) return
    const { db, config, log } = this.deps
    this.streams = influxStreams(db)
    this.cursors = new SinkCursors(db)
    // The client logs every failed write to the console; route it to our logger (we log failures ourselves).
    setLogger({
      error: (message, err) => log.debug({ err }, message),
      warn: (message, err) => log.debug({ err }, message),
    })
    const client = new InfluxDB({ url: config.url, token: config.token, timeout: config.timeoutMs })
    this.writeApi = client.getWriteApi(config.org, config.bucket, config.precision, {
      // One chunk is one request: no size- or timer-triggered flushes of the client's own.
      batchSize: config.batchSize + 1,
      maxBatchBytes: 256 * 1024 * 1024,
      flushInterval: 0,
      maxRetries: 0,
      maxBufferLines: 1,
      gzipThreshold: 64 * 1024,
      writeFailed: (error) => {
        this.writeError = error
      },
    })
    this.running = true
    this.schedule(0)
    log.info({ url: config.url, org: config.org, bucket: config.bucket }, 'influx sink started')
  }

  /**
   * Stops the loop, lets the write in flight finish, then makes one last pass for the rows committed since
   * (unless the server is failing) — all within `stopTimeoutMs`. Rows left over are sent after the next start.
   */
  async stop(): Promise<void> {
    if (!this.running) return
    this.running = false
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const deadline = performance.now() + this.deps.config.stopTimeoutMs
    const within = async (work: Promise<unknown>) => {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise((resolve) => {
        timer = setTimeout(resolve, Math.max(0, deadline - performance.now()))
      })
      await Promise.race([work, timeout]).finally(() => clearTimeout(timer))
    }
    if (this.pass) await within(this.pass)
    if (!this.pass && this.failures === 0) await within(this.run())
    this.writeApi?.dispose()
    this.writeApi = null
    this.deps.log.info('influx sink stopped')
  }

  private schedule(delayMs: number): void {
    if (!this.running) return
    this.timer = setTimeout(() => {
      this.timer = null
      this.pass = this.run().finally(() => {
        this.pass = null
      })
      void this.pass.then((next) => this.schedule(next))
    }, delayMs)
  }

  /** One pass over the streams; resolves with the delay before the next pass. Never rejects. */
  private async run(): Promise<number> {
    const { config, metrics, log } = this.deps
    const now = performance.now()
    try {
      this.measureLag(this.clock())
      if (now < this.retryAt) return Math.min(config.flushIntervalMs, this.retryAt - now)
      let more = false
      for (const stream of this.streams) {
        if ((await this.sendChunk(stream)) === config.batchSize) more = true
        // After each chunk, so the gauges never stand still while a long catch-up runs.
        this.measureLag(this.clock())
      }
      if (this.failures > 0) log.info({ failures: this.failures }, 'influx writes recovered')
      this.failures = 0
      // A full chunk means more is waiting: go on at once, but through a timer so other work runs in between.
      return more ? 0 : config.flushIntervalMs
    } catch (err) {
      if (!this.db.open) return config.flushIntervalMs
      this.failures += 1
      metrics.influxFailures.inc()
      const delay = backoffDelay(this.failures, config.backoffMinMs, config.backoffMaxMs)
      this.retryAt = performance.now() + delay
      // A refusal (400 type conflict, 401 token, 404 bucket) will not heal by itself: say so at every attempt.
      // An outage is worth one warning; the lag metrics tell the rest.
      const logAt = refusedByServer(err) ? 'error' : this.failures === 1 ? 'warn' : 'debug'
      log[logAt](
        { err, failures: this.failures, retryInMs: delay },
        'influx write failed; will resume from the cursor',
      )
      return Math.min(config.flushIntervalMs, delay)
    }
  }

  private get db(): Database {
    return this.deps.db
  }

  /**
   * Sends the next chunk of one stream and advances its cursor on the acknowledgement; returns the row count.
   * The chunk is read and encoded in slices; after SLICE_BUDGET_MS of that work it waits for a turn of the event
   * loop, so a large chunk never holds up ingest for long. (Not a turn after every slice: under a burst one turn
   * of the loop lasts hundreds of milliseconds, and the sink would fall behind without bound.)
   */
  private async sendChunk(stream: SinkStream): Promise<number> {
    const { config, metrics } = this.deps
    const cursors = this.cursors
    const writeApi = this.writeApi
    if (!cursors || !writeApi || !this.db.open) return 0
    const lines: string[] = []
    let lastId = cursors.get(stream.cursorName)
    let turn = performance.now()
    while (lines.length < config.batchSize) {
      if (performance.now() - turn > SLICE_BUDGET_MS) {
        await new Promise((resolve) => setImmediate(resolve))
        turn = performance.now()
      }
      if (!this.db.open) return 0
      const slice = stream.next(lastId, Math.min(SLICE_ROWS, config.batchSize - lines.length))
      for (const row of slice) lines.push(stream.toLine(row, config.precision))
      lastId = slice.at(-1)?.id ?? lastId
      if (slice.length < SLICE_ROWS) break
    }
    if (lines.length === 0) return 0
    this.writeError = null
    writeApi.writeRecords(lines)
    try {
      await writeApi.flush()
    } catch (err) {
      throw new WriteFailed(`${stream.name}: ${(err as Error).message}`, { cause: err })
    }
    // Set during the await by the client's hook, which narrowing cannot see.
    const failed = this.writeError as Error | null
    if (failed) throw new WriteFailed(`${stream.name}: ${failed.message}`, { cause: failed })
    if (!this.db.open) return 0
    cursors.set(stream.cursorName, lastId, this.clock())
    metrics.influxPointsWritten.inc({ stream: stream.name }, lines.length)
    return lines.length
  }

  /**
   * Lag in rows (ids after the cursor: ids are allocated in commit order, so this counts the unsent rows) and in
   * seconds (how long the first unsent row has waited since it was received).
   */
  private measureLag(now: number): void {
    const cursors = this.cursors
    if (!cursors || !this.db.open) return
    for (const stream of this.streams) {
      let cursor = cursors.get(stream.cursorName)
      const maxId = stream.maxId()
      if (maxId < cursor) {
        // SQLite reuses ids above the largest one left after deletions (retention removed the newest rows). The
        // ids after such a reset would sit below the cursor and be skipped: start over, replays are idempotent.
        this.deps.log.warn(
          { stream: stream.name, cursor, maxId },
          'store ids went back below the cursor; resending',
        )
        cursor = 0
        cursors.set(stream.cursorName, 0, now)
      }
      const oldest = stream.oldestAfter(cursor)
      this.deps.metrics.influxLagRows.set({ stream: stream.name }, Math.max(0, maxId - cursor))
      this.deps.metrics.influxLagSeconds.set(
        { stream: stream.name },
        oldest === null ? 0 : Math.max(0, now - oldest) / 1000,
      )
    }
  }
}
