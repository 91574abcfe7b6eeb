/**
 * Group commit: messages are written many to one SQLite transaction, so one fsync covers them all. Commits are
 * paced, at most one per `groupCommitMs`: a message arriving when the last commit is older than that is committed
 * as soon as the messages read with it from the sockets are in (`setImmediate`), without waiting; under load the
 * messages of a window share the next commit (or `groupCommitMaxMessages` commits at once). A submission's promise
 * settles only after its transaction has committed and, with `synchronous: full`, its log is on disk (WalSync:
 * the fsync runs off the event loop, so the next messages are read and committed meanwhile) — the broker holds
 * the QoS 1 PUBACK on it, so a PUBACK means "durably stored".
 *
 * The listeners (the event bus: dashboards, relay wake-ups) are told when the transaction has committed, while
 * the log is being synced: from then on the rows are what every reader of the store sees (the API reads the same
 * connection), so an alert reaches dashboards as soon as the API can show it. Only the PUBACK waits for the disk.
 * A power cut before the sync loses the batch and what it caused, alerts included; none of its messages was
 * acknowledged, so their devices send them again and the same facts are raised again (the engine's results do
 * not depend on arrival order, and deliveries to platforms are at least once anyway).
 */
import { performance } from 'node:perf_hooks'
import type { Config } from '../src/config.js'
import { AppError } from '../src/errors.js'
import type { Logger } from '../src/log.js'
import type { Metrics } from '../src/metrics.js'
import type { Decoded } from '../src/model.js'
import type { Database } from '../src/store/database.js'
import { WalSync } from '../src/store/wal-sync.js'
import type { CommitContext, Step, StepFactory } from './steps/step.js'

interface Pending {
  decoded: Decoded
  resolve: () => void
  reject: (err: Error) => void
}

export type CommitListener = (ctx: CommitContext) => void

/** A step with how it runs: an essential one as it is, any other in its own savepoint (`runStep`). */
interface Runnable {
  step: Step
  run: (ctx: CommitContext) => void
}

export class GroupCommit {
  /** The transaction wrappers are made once: better-sqlite3 builds several functions for each `transaction()`. */
  private readonly steps: Runnable[]
  private readonly commitAll: (ctx: CommitContext) => void
  private queue: Pending[] = []
  private timer: NodeJS.Timeout | null = null
  private immediate: NodeJS.Immediate | null = null
  /** performance.now() when the last commit ended. */
  private lastCommit = Number.NEGATIVE_INFINITY
  private accepting = false
  private readonly listeners: CommitListener[] = []
  /** Makes commits durable off the event loop; null when `synchronous: normal` or in memory. */
  private readonly durable: WalSync | null
  private readonly syncing = new Set<Promise<void>>()

  constructor(
    private readonly db: Database,
    factories: readonly StepFactory[],
    private readonly options: Config['store'],
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
    walSync: (walPath: string) => WalSync = (walPath) => new WalSync(walPath),
  ) {
    this.steps = factories.map((make) => {
      const step = make({ db, metrics })
      return { step, run: step.essential ? step.run.bind(step) : db.transaction((ctx) => step.run(ctx)) }
    })
    this.commitAll = db.transaction((ctx: CommitContext) => {
      for (const step of this.steps) this.runStep(step, ctx)
    })
    this.durable = options.synchronous === 'full' && !db.memory ? walSync(`${db.name}-wal`) : null
  }

  start(): void {
    this.accepting = true
  }

  /** Stops accepting, commits what is queued, and settles every promise (once its commit is durable). */
  async stop(): Promise<void> {
    this.accepting = false
    this.flush()
    await Promise.allSettled([...this.syncing])
    await this.durable?.close()
  }

  /**
   * Called after each successful commit with what it stored (metrics, dashboards, relay wake-ups): at once, not
   * waiting for the log to be on disk (see the header).
   */
  onCommit(listener: CommitListener): void {
    this.listeners.push(listener)
  }

  get depth(): number {
    return this.queue.length
  }

  submit(decoded: Decoded): Promise<void> {
    if (!this.accepting) return Promise.reject(new AppError('SHUTTING_DOWN'))
    return new Promise((resolve, reject) => {
      this.queue.push({ decoded, resolve, reject })
      if (this.queue.length >= this.options.groupCommitMaxMessages) this.flush()
      else if (!this.timer && !this.immediate) this.schedule()
    })
  }

  private schedule(): void {
    const wait = this.lastCommit + this.options.groupCommitMs - performance.now()
    if (wait > 0) this.timer = setTimeout(() => this.flush(), wait)
    else this.immediate = setImmediate(() => this.flush())
  }

  /**
   * Commits everything queued now. The transaction is synchronous (better-sqlite3 runs it on this thread); with
   * `synchronous: full` the WAL is then made durable off the thread (WalSync) before the messages are settled,
   * while the listeners are told and the next messages are read and committed.
   */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    if (this.immediate) clearImmediate(this.immediate)
    this.timer = null
    this.immediate = null
    const batch = this.queue
    if (batch.length === 0) return
    this.queue = []
    const ctx: CommitContext = {
      messages: batch.map((p) => p.decoded),
      committedAt: this.clock(),
      stored: { readings: [], scans: [], statuses: [] },
      events: [],
    }
    const started = performance.now()
    const durable = this.durable
    let failed: unknown = null
    if (durable) this.db.pragma('synchronous = NORMAL')
    try {
      this.commitAll(ctx)
    } catch (err) {
      failed = err
    } finally {
      if (durable) this.db.pragma('synchronous = FULL')
    }
    this.lastCommit = performance.now()
    if (failed) {
      this.fail(batch, 'commit failed', failed)
      return
    }
    this.metrics.commitSeconds.observe((this.lastCommit - started) / 1000)
    this.metrics.commitSize.observe(batch.length)
    if (!durable) {
      this.settle(batch)
      this.tell(ctx)
      return
    }
    // The sync is started first: the listeners' work overlaps it.
    const committed = this.lastCommit
    const syncing = durable.sync().then(
      () => {
        this.metrics.syncSeconds.observe((performance.now() - committed) / 1000)
        this.settle(batch)
      },
      (err: unknown) => this.fail(batch, 'WAL sync failed', err),
    )
    this.syncing.add(syncing)
    void syncing.finally(() => this.syncing.delete(syncing))
    this.tell(ctx)
  }

  private settle(batch: Pending[]): void {
    for (const p of batch) p.resolve()
  }

  private tell(ctx: CommitContext): void {
    for (const listener of this.listeners) {
      try {
        listener(ctx)
      } catch (err) {
        this.log.error({ err }, 'commit listener failed')
      }
    }
  }

  private fail(batch: Pending[], what: string, err: unknown): void {
    this.metrics.commitFailures.inc()
    this.log.error({ err, messages: batch.length }, `group ${what}; messages not acknowledged`)
    const failure = new AppError('STORE_UNAVAILABLE', `${what}: ${(err as Error).message}`)
    for (const p of batch) p.reject(failure)
  }

  /**
   * Essential (store) steps throw through and fail the commit. Any other step runs in a savepoint: if it throws,
   * its own writes are rolled back, it is logged and counted, and the pipeline goes on (STYLE rule 4).
   */
  private runStep({ step, run }: Runnable, ctx: CommitContext): void {
    try {
      run(ctx)
    } catch (err) {
      if (step.essential) throw err
      this.metrics.stepFailures.inc({ step: step.name })
      this.log.error({ err, step: step.name }, 'pipeline step failed; going on')
    }
  }
}
