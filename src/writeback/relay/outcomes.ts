/**
 * Applies attempt outcomes to the outbox, many at once: completions are collected and written in one
 * transaction per turn of the event loop, so a burst of deliveries costs one commit, not one each. A lane
 * stays "in flight" until its outcome is committed, so no scan can pick the same head twice.
 *
 * delivered → delivered, the lane's next row promoted. retry → attempts+1 and the next attempt at the
 * platform's Retry-After (which also pauses the whole target) or the backoff draw; past the row's deadline →
 * dead. permanent → dead at once with the reason. disable (410) → the target is `gone`; the row stays pending.
 *
 * Outcomes are committed without an fsync of their own (synchronous=NORMAL for that transaction; the WAL keeps
 * the store consistent and the next durable commit syncs them too): a power cut may forget that a row was
 * delivered, and it is then delivered again with the same event id — the at-least-once the receivers expect
 * anyway — while the ingest path keeps its fsync per commit.
 */
import type { Logger } from '../../log.js'
import type { Metrics } from '../../metrics.js'
import type { Database } from '../../store/database.js'
import type { OutboxRow, OutboxStore } from '../outbox/store.js'
import type { TargetStore } from '../targets-store.js'
import type { WritebackEvent } from '../types.js'
import type { AttemptResult } from './attempt.js'
import { type BackoffOptions, backoffDelay } from './backoff.js'
import type { TargetHealth } from './health.js'
import type { TargetRuntime } from './target-runtime.js'

export interface Finished {
  runtime: TargetRuntime
  row: OutboxRow
  result: AttemptResult
}

export interface OutcomeOptions extends BackoffOptions {
  maxRetryAfterMs: number
  lateNodeMs: number
  /** Least time between two outcome commits: under load, outcomes gather into one commit (one fsync). */
  flushMs: number
}

export interface OutcomeDeps {
  db: Database
  store: OutboxStore
  targets: TargetStore
  metrics: Metrics
  log: Logger
  health: TargetHealth
  options: OutcomeOptions
  random: () => number
  /** Called after each batch committed (the relay scans again: lanes moved on). */
  onSettled: () => void
}

export class OutcomeWriter {
  private queue: Finished[] = []
  private scheduled = false
  private lastFlush = 0
  /** The connection's `synchronous` level, restored after each outcome commit. */
  private readonly synchronous: number

  constructor(private readonly deps: OutcomeDeps) {
    this.synchronous = deps.db.pragma('synchronous', { simple: true }) as number
  }

  /**
   * Queues an outcome. Idle, it is written on the next turn of the event loop; within `flushMs` of the last
   * commit it waits for the rest of that interval (real time: this batches I/O, it is no logical delay).
   */
  push(finished: Finished): void {
    this.queue.push(finished)
    if (this.scheduled) return
    this.scheduled = true
    const wait = this.lastFlush + this.deps.options.flushMs - performance.now()
    if (wait > 0) setTimeout(() => this.flush(), wait)
    else setImmediate(() => this.flush())
  }

  /** Writes everything queued now (also called by the relay's stop). */
  flush(): void {
    this.scheduled = false
    this.lastFlush = performance.now()
    const batch = this.queue
    const { db, log } = this.deps
    // An answer that came back after stop() gave up waiting, with the store closed: it stays pending.
    if (batch.length === 0 || !db.open) return
    this.queue = []
    const relaxed = this.synchronous > 1
    try {
      if (relaxed) db.pragma('synchronous = NORMAL')
      // IMMEDIATE: take the write lock up front, so a writer in another process cannot invalidate our snapshot.
      db.transaction(() => {
        for (const f of batch) this.apply(f)
      }).immediate()
    } catch (err) {
      // Nothing was written: the rows are still pending and will be attempted again (at least once).
      log.error({ err, rows: batch.length }, 'could not record delivery outcomes')
    } finally {
      if (relaxed) db.pragma(`synchronous = ${this.synchronous}`)
    }
    for (const { runtime, row, result } of batch) {
      runtime.lanes.delete(row.orderingKey)
      runtime.rows.delete(row.id)
      if (result.outcome.result === 'delivered') this.deps.health.success(runtime.id, result.at)
      else this.deps.health.failure(runtime.id, result.at, result.outcome.reason)
    }
    this.deps.onSettled()
  }

  private apply({ runtime, row, result }: Finished): void {
    const { store, metrics, log, options } = this.deps
    const { outcome, at } = result
    const target = runtime.id
    switch (outcome.result) {
      case 'delivered':
        if (store.markDelivered(row, at)) this.delivered(target, row, result.event, at)
        return
      case 'permanent':
        if (store.markDead(row, outcome.reason, at, at))
          metrics.writebackDead.inc({ target, cause: 'permanent' })
        log.warn({ target, rowId: row.id, eventId: row.eventId, reason: outcome.reason }, 'delivery refused')
        return
      case 'disable':
        store.markRetry(row, outcome.reason, at, at)
        if (runtime.stored.status === 'active') {
          runtime.stored = this.deps.targets.setStatus(target, 'gone', outcome.reason)
          log.warn({ target, reason: outcome.reason }, 'target gone (410): deliveries stop until re-enabled')
        }
        return
      case 'retry': {
        if (at >= row.expiresAt) {
          if (store.markDead(row, `expired: ${outcome.reason}`, at, at)) {
            metrics.writebackDead.inc({ target, cause: 'expired' })
          }
          return
        }
        const given = outcome.retryAfterMs
        const delay =
          given === undefined
            ? backoffDelay(row.attempts + 1, options, this.deps.random)
            : Math.min(given, options.maxRetryAfterMs)
        if (given !== undefined) runtime.pausedUntil = Math.max(runtime.pausedUntil, at + delay)
        store.markRetry(row, outcome.reason, at, at + delay)
        metrics.writebackRetries.inc({ target })
        log.debug({ target, rowId: row.id, delay, reason: outcome.reason }, 'delivery will be retried')
      }
    }
  }

  private delivered(target: string, row: OutboxRow, event: WritebackEvent | null, at: number): void {
    const { metrics, options } = this.deps
    metrics.writebackDelivered.inc({ target, type: row.type })
    metrics.writebackLatency.observe({ target }, Math.max(0, at - row.eventTime) / 1000)
    if (event?.type !== 'tracking.node') return
    metrics.writebackNodes.inc({ target })
    if (at - event.deviceTime > options.lateNodeMs) {
      const cause = at - event.occurredAt > options.lateNodeMs ? 'gateway' : 'device'
      metrics.writebackLateNodes.inc({ target, cause })
    }
  }
}
