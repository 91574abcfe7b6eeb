/**
 * Process wiring: builds every component from the one config object and starts them in dependency order;
 * `stop()` mirrors `start()` in reverse (STYLE rule 8). Tests start gateways in-process through this class.
 */
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { type CommitListener, GroupCommit } from '../ingest/group-commit.js'
import { Ingest } from '../ingest/ingest.js'
import { pipeline } from '../ingest/pipeline.js'
import { InfluxSink } from '../ingest/sinks/influx.js'
import { EscalationSweeper } from '../src/alerts/escalation.js'
import { AlertService } from '../src/alerts/service.js'
import { TokenRepository } from '../src/auth/tokens.js'
import type { Config } from '../src/config.js'
import { EventBus, type GatewayEvent } from '../src/events.js'
import type { Logger } from '../src/log.js'
import { Metrics } from '../src/metrics.js'
import { configureMonitoring } from '../src/monitoring/runtime.js'
import { MonitoringTimers } from '../src/monitoring/timers.js'
import { OrderService } from '../src/orders/service.js'
import { Checkpointer } from '../src/store/checkpointer.js'
import { type Database, openDatabase } from '../src/store/database.js'
import { DeviceRepository } from '../src/store/devices.js'
import { Retention } from '../src/store/retention.js'
import { Writeback } from '../src/writeback/relay/writeback.js'
import { Bridge } from './bridge/bridge.js'
import { Broker } from './broker/broker.js'
import { buildHttp } from './http/server.js'

export interface GatewayOptions {
  log: Logger
  /** Wall clock for receive times and timers; tests inject a fake one. */
  clock?: () => number
  metrics?: Metrics
}

export interface GatewayPorts {
  mqtt: number
  ws: number
  tls: number | null
  http: number
}

export class Gateway {
  readonly metrics: Metrics
  private readonly log: Logger
  private readonly clock: () => number
  private db: Database | null = null
  private commit: GroupCommit | null = null
  private broker: Broker | null = null
  private http: FastifyInstance | null = null
  private retention: Retention | null = null
  private checkpointer: Checkpointer | null = null
  private escalation: EscalationSweeper | null = null
  /** The gap tick and stall sweep (tests driving simulated time call them directly). */
  monitoring: MonitoringTimers | null = null
  /** Committed facts (alerts, nodes, excursions) for dashboards and writeback. */
  readonly events: EventBus
  private bridge: Bridge | null = null
  private influx: InfluxSink | null = null
  private writeback: Writeback | null = null
  private started = false
  private readonly commitListeners: CommitListener[] = []
  /** Printed once when the gateway generated its admin token on this start. */
  generatedAdminToken: string | null = null

  constructor(
    readonly config: Config,
    options: GatewayOptions,
  ) {
    this.log = options.log
    this.clock = options.clock ?? Date.now
    this.metrics = options.metrics ?? new Metrics()
    this.events = new EventBus((err, event) =>
      this.log.error({ err, type: event.type }, 'event listener failed'),
    )
  }

  async start(): Promise<GatewayPorts> {
    if (this.started) throw new Error('gateway already started')
    const { config, log, metrics, clock } = this
    this.db = openDatabase(config.dataDir, config.store)
    this.checkpointer = new Checkpointer(this.db, config.store, metrics, log.child({ component: 'store' }))
    this.checkpointer.start()
    const devices = new DeviceRepository(this.db, clock)
    const tokens = new TokenRepository(this.db, clock)
    this.generatedAdminToken = tokens.ensureAdmin(config.http.adminToken)
    // Before ingest: the outbox step writes rows with the writeback settings from the first commit on.
    this.writeback = new Writeback({ db: this.db, config, metrics, log, events: this.events, clock })
    // Before ingest too: the excursions step evaluates with the injected clock and these settings.
    const db = this.db
    const runtime = configureMonitoring(db, { ...config, clock, metrics })
    const profiles = runtime.monitor.profiles
    const orders = new OrderService(db, {
      clock,
      profiles: (name) => profiles.get(name),
      checkProfile: (name, override) => profiles.check(name, override),
    })

    this.commit = new GroupCommit(
      this.db,
      pipeline,
      config.store,
      metrics,
      log.child({ component: 'store' }),
      clock,
    )
    for (const listener of this.commitListeners) this.commit.onCommit(listener)
    this.commit.onCommit((ctx) => this.events.publish(ctx.events as GatewayEvent[]))
    this.commit.start()
    const ingest = new Ingest(this.commit, config.ingest, metrics)

    this.broker = new Broker({
      config: config.mqtt,
      auth: config.auth,
      devices,
      ingest,
      metrics,
      log: log.child({ component: 'broker' }),
      clock,
    })
    await this.broker.start()

    if (config.bridge.enabled) {
      this.bridge = new Bridge({
        config: config.bridge,
        limits: config.ingest,
        ingest,
        commit: this.commit,
        devices,
        metrics,
        log: log.child({ component: 'bridge' }),
        clock,
      })
      this.bridge.start()
    }
    if (config.influx.enabled) {
      this.influx = new InfluxSink({
        db: this.db,
        config: config.influx,
        metrics,
        log: log.child({ component: 'influx' }),
        clock,
      })
      this.influx.start()
    }

    const alerts = new AlertService(this.db, config.alerts, clock)
    this.http = buildHttp({
      orders,
      monitor: runtime.monitor,
      waybillsOfMerchant: (merchant) => orders.waybillsOfMerchant(merchant),
      writeback: this.writeback,
      alerts,
      events: this.events,
      config,
      db: this.db,
      devices,
      tokens,
      broker: this.broker,
      metrics,
      log: log.child({ component: 'http' }),
      clock,
    })
    await this.http.listen({ host: config.http.host, port: config.http.port })

    this.retention = new Retention(this.db, config.store, log.child({ component: 'retention' }), clock)
    this.retention.start()
    this.escalation = new EscalationSweeper(
      alerts,
      config.alerts,
      (events) => this.events.publish(events),
      log.child({ component: 'escalation' }),
    )
    this.escalation.start()
    this.monitoring = new MonitoringTimers({
      db,
      runtime,
      gapTickMs: config.monitoring.gapTickMs,
      stallSweepMs: config.monitoring.stallSweepMs,
      log: log.child({ component: 'monitoring' }),
      clock,
      publish: (events) => this.events.publish(events),
    })
    this.monitoring.start()
    this.writeback.start()
    this.started = true
    const ports = { ...this.broker.ports, http: (this.http.server.address() as AddressInfo).port }
    log.info({ ports, dataDir: config.dataDir, store: config.store.file }, 'gateway started')
    return ports
  }

  /** Registers a listener called after every group commit with what it stored (benchmarks, dashboards). */
  onCommit(listener: CommitListener): void {
    this.commitListeners.push(listener)
    this.commit?.onCommit(listener)
  }

  /**
   * Graceful stop: no new connections or requests, in-flight messages committed (their PUBACKs sent), then
   * the store closed. Safe to call twice and after a failed start.
   */
  async stop(): Promise<void> {
    await this.writeback?.stop()
    this.writeback = null
    this.monitoring?.stop()
    this.monitoring = null
    this.escalation?.stop()
    this.escalation = null
    this.retention?.stop()
    this.retention = null
    if (this.http) await this.http.close()
    this.http = null
    await this.influx?.stop()
    this.influx = null
    await this.bridge?.stop()
    this.bridge = null
    if (this.broker) await this.broker.stop()
    this.broker = null
    await this.commit?.stop()
    this.commit = null
    await this.checkpointer?.stop()
    this.checkpointer = null
    this.db?.close()
    this.db = null
    if (this.started) this.log.info('gateway stopped')
    this.started = false
  }
}
