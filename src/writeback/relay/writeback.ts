/**
 * The writeback as the gateway wires it: the target store (credentials sealed with the data directory's key),
 * the outbox writer's configuration, the relay and the trail scheduler. `start()` and `stop()` mirror each
 * other; with `writeback.enabled` false rows are still written (nothing is lost) but nothing is sent.
 */
import { AlertService } from '../../alerts/service.js'
import type { Config } from '../../config.js'
import type { EventBus, GatewayEvent } from '../../events.js'
import type { Logger } from '../../log.js'
import type { Metrics } from '../../metrics.js'
import type { Database } from '../../store/database.js'
import type { OutboxStore } from '../outbox/store.js'
import { configureOutbox } from '../outbox/writer.js'
import { loadSecretBox } from '../secret-box.js'
import { TargetStore } from '../targets-store.js'
import { Relay } from './relay.js'
import { realTimers, type Timers } from './timers.js'
import { TrailScheduler } from './trail-scheduler.js'
import type { Transport } from './transport.js'

/** What the HTTP API needs: targets, the outbox, and a way to wake the relay after a change. */
export interface WritebackControl {
  targets: TargetStore
  outbox: OutboxStore
  /** `writeback.maxAgeMs`: the fresh deadline of replayed and re-enabled rows. */
  maxAgeMs: number
  wake(): void
}

export interface WritebackDeps {
  db: Database
  config: Config
  metrics: Metrics
  log: Logger
  events: EventBus
  clock?: () => number
  timers?: Timers
  transport?: Transport
}

export class Writeback implements WritebackControl {
  readonly targets: TargetStore
  readonly outbox: OutboxStore
  readonly relay: Relay
  readonly maxAgeMs: number
  private readonly trails: TrailScheduler
  private started = false

  constructor(private readonly deps: WritebackDeps) {
    const { db, config, metrics, log, events } = deps
    const clock = deps.clock ?? Date.now
    const timers = deps.timers ?? realTimers
    const options = config.writeback
    this.maxAgeMs = options.maxAgeMs
    this.targets = new TargetStore(db, loadSecretBox(options, config.dataDir), clock)
    const writer = configureOutbox(db, { carrier: options.carrier, maxAgeMs: options.maxAgeMs })
    this.outbox = writer.store
    const relayLog = log.child({ component: 'writeback' })
    this.relay = new Relay({
      db,
      targets: this.targets,
      config: options,
      metrics,
      log: relayLog,
      clock,
      timers,
      transport: deps.transport,
      events,
      alerts: {
        service: new AlertService(db, config.alerts, clock),
        publish: (changes) => events.publish(changes.map((c): GatewayEvent => ({ ...c }))),
      },
    })
    this.trails = new TrailScheduler({
      db,
      writer,
      log: relayLog,
      clock,
      timers,
      sweepMs: options.trailSweepMs,
      onWritten: () => this.relay.wake(),
    })
  }

  start(): void {
    if (!this.deps.config.writeback.enabled || this.started) return
    this.started = true
    this.relay.start()
    this.trails.start()
  }

  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    this.trails.stop()
    await this.relay.stop()
  }

  wake(): void {
    this.relay.wake()
  }
}
