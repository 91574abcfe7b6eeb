/**
 * The writeback relay: delivers outbox rows to their platforms, in order per lane (target, waybill) — a lane's
 * oldest pending row blocks the rows behind it — while different lanes and targets go in parallel, up to each
 * target's concurrency and rate limit.
 *
 * When it runs: at once when rows are committed (`outbox.enqueued` on the event bus, or `wake()`), again when
 * outcomes are recorded (lanes moved on), and on a timer for the earliest due retry (at most `scanIntervalMs`
 * apart). Every wait goes through the injected clock and timers, so tests run it on a fake clock.
 *
 * Durability: the outbox is the only state. A row is marked delivered after the platform acknowledged it; a
 * crash in between leaves it pending, and it is sent again with the same event id (at least once, and the
 * receiver recognises the repeat). Nothing is held in memory that a restart would need.
 */
import type { Config } from '../../config.js'
import type { EventBus } from '../../events.js'
import type { Logger } from '../../log.js'
import type { Metrics } from '../../metrics.js'
import type { Database } from '../../store/database.js'
import { type OutboxRow, OutboxStore } from '../outbox/store.js'
import type { TargetStore } from '../targets-store.js'
import { attempt } from './attempt.js'
import { type FailingAlertSink, TargetHealth } from './health.js'
import { OutcomeWriter } from './outcomes.js'
import { Sweeper } from './sweeper.js'
import { TargetRuntime } from './target-runtime.js'
import { realTimers, type Timers } from './timers.js'
import { httpTransport, type Transport } from './transport.js'

export interface RelayDeps {
  db: Database
  targets: TargetStore
  config: Config['writeback']
  metrics: Metrics
  log: Logger
  clock?: () => number
  timers?: Timers
  /** Default: node:http with keep-alive and `requestTimeoutMs` (transport.ts says why not fetch). */
  transport?: Transport
  /** For the backoff jitter; [0, 1). */
  random?: () => number
  /** The bus of committed facts: `outbox.enqueued` wakes the relay. */
  events?: EventBus
  /** Where the `writeback_failing` alert goes; without it the failure shows in the gauge and the log only. */
  alerts?: FailingAlertSink
}

export class Relay {
  private readonly store: OutboxStore
  private readonly clock: () => number
  private readonly timers: Timers
  private readonly transport: Transport
  private readonly outcomes: OutcomeWriter
  private readonly sweeper: Sweeper
  readonly health: TargetHealth
  private readonly runtimes = new Map<string, TargetRuntime>()
  private readonly inFlight = new Set<Promise<void>>()
  private generation = -1
  private running = false
  private immediate = false
  private timer: unknown = null
  private timerAt = Number.POSITIVE_INFINITY
  private nextSweepAt = 0
  private unsubscribe: (() => void) | null = null

  constructor(private readonly deps: RelayDeps) {
    const { db, config, metrics, log } = deps
    this.store = new OutboxStore(db)
    this.clock = deps.clock ?? Date.now
    this.timers = deps.timers ?? realTimers
    this.transport = deps.transport ?? httpTransport(config.requestTimeoutMs)
    this.health = new TargetHealth(db, config.failingAlertMs, metrics, log, deps.alerts)
    this.sweeper = new Sweeper(db, this.store, metrics, log, config)
    this.outcomes = new OutcomeWriter({
      db,
      store: this.store,
      targets: deps.targets,
      metrics,
      log,
      health: this.health,
      options: {
        baseMs: config.backoffBaseMs,
        maxMs: config.backoffMaxMs,
        maxRetryAfterMs: config.maxRetryAfterMs,
        lateNodeMs: config.lateNodeMs,
        flushMs: config.outcomeFlushMs,
      },
      random: deps.random ?? Math.random,
      onSettled: () => this.wake(),
    })
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.unsubscribe =
      this.deps.events?.subscribe((event) => {
        if (event.type === 'outbox.enqueued') this.wake()
      }) ?? null
    this.wake()
  }

  /** Stops scanning, waits (bounded) for requests in flight and records their outcomes. */
  async stop(): Promise<void> {
    if (!this.running) return
    this.running = false
    this.unsubscribe?.()
    this.unsubscribe = null
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timer = null
    this.timerAt = Number.POSITIVE_INFINITY
    const bound = new Promise<void>((resolve) =>
      setTimeout(resolve, this.deps.config.requestTimeoutMs + 1000).unref(),
    )
    await Promise.race([Promise.allSettled([...this.inFlight]), bound])
    this.outcomes.flush()
  }

  /** Look for due rows as soon as the event loop is free (coalesced). */
  wake(): void {
    if (!this.running || this.immediate) return
    this.immediate = true
    setImmediate(() => {
      this.immediate = false
      this.scan()
    })
  }

  /** Requests in flight now, per target. */
  inFlightOf(targetId: string): number {
    return this.runtimes.get(targetId)?.lanes.size ?? 0
  }

  private scan(): void {
    if (!this.running) return
    const now = this.clock()
    let next = now + this.deps.config.scanIntervalMs
    try {
      this.refreshTargets(now)
      for (const rt of this.runtimes.values()) if (rt.active) next = Math.min(next, this.fill(rt, now))
      if (now >= this.nextSweepAt) {
        this.nextSweepAt = now + this.deps.config.sweepIntervalMs
        this.sweeper.run(now, this.runtimes.values())
      }
      this.health.check(now, this.runtimes.keys())
    } catch (err) {
      this.deps.log.error({ err }, 'relay scan failed; trying again later')
    }
    this.arm(Math.max(next, now + 1), now)
  }

  /** Starts what may start on one target; returns when it next needs a look (Infinity: a completion wakes it). */
  private fill(rt: TargetRuntime, now: number): number {
    if (rt.pausedUntil > now) return rt.pausedUntil
    let free = rt.free
    if (free <= 0) return Number.POSITIVE_INFINITY
    // Heads whose lane is in flight come back too; ask for enough rows to fill every free slot anyway.
    for (const row of this.store.due(rt.id, now, free + rt.lanes.size)) {
      if (rt.lanes.has(row.orderingKey)) continue
      if (rt.bucket && !rt.bucket.take(now)) return rt.bucket.nextAt(now)
      this.send(rt, row)
      free -= 1
      if (free === 0) return Number.POSITIVE_INFINITY
    }
    return this.store.nextDueAfter(rt.id, now) ?? Number.POSITIVE_INFINITY
  }

  private send(rt: TargetRuntime, row: OutboxRow): void {
    rt.lanes.add(row.orderingKey)
    rt.rows.add(row.id)
    const target = rt.stored.target
    const p = attempt(target, row, this.transport, this.clock).then((result) => {
      this.outcomes.push({ runtime: rt, row, result })
    })
    this.inFlight.add(p)
    void p.finally(() => this.inFlight.delete(p))
  }

  /** Reloads the targets (decrypting their credentials) when any changed. */
  private refreshTargets(now: number): void {
    const generation = this.deps.targets.generation()
    if (generation === this.generation) return
    this.generation = generation
    const seen = new Set<string>()
    for (const stored of this.deps.targets.list()) {
      seen.add(stored.target.id)
      const rt = this.runtimes.get(stored.target.id)
      if (rt) rt.update(stored, now)
      else this.runtimes.set(stored.target.id, new TargetRuntime(stored, this.deps.config.concurrency, now))
    }
    for (const [id, rt] of this.runtimes) if (!seen.has(id) && rt.lanes.size === 0) this.runtimes.delete(id)
  }

  private arm(at: number, now: number): void {
    if (!this.running || (this.timer !== null && this.timerAt <= at)) return
    if (this.timer !== null) this.timers.clearTimeout(this.timer)
    this.timerAt = at
    this.timer = this.timers.setTimeout(() => {
      this.timer = null
      this.timerAt = Number.POSITIVE_INFINITY
      this.scan()
    }, at - now)
  }
}
