import type { AlertService } from '../../src/alerts/service.js'
import type { TokenRepository } from '../../src/auth/tokens.js'
import type { Config } from '../../src/config.js'
import type { EventBus } from '../../src/events.js'
import type { Logger } from '../../src/log.js'
import type { Metrics } from '../../src/metrics.js'
import type { Monitor } from '../../src/monitoring/monitor.js'
import type { OrderService } from '../../src/orders/service.js'
import type { Database } from '../../src/store/database.js'
import type { DeviceRepository } from '../../src/store/devices.js'
import type { WritebackControl } from '../../src/writeback/relay/writeback.js'
import type { SseOptions } from './sse.js'

/** What the broker offers the API: readiness, and cutting a device off when it is disabled or re-keyed. */
export interface BrokerControl {
  readonly ready: boolean
  disconnect(deviceId: string): void
}

/** Everything the HTTP API is built from; the gateway passes its components, tests pass fakes where useful. */
export interface HttpDeps {
  config: Config
  db: Database
  devices: DeviceRepository
  tokens: TokenRepository
  broker: BrokerControl
  metrics: Metrics
  log: Logger
  /**
   * Alerts, and the bus of committed facts (the API publishes its changes there and streams it to dashboards).
   * The alert routes and the event stream exist when both are given: optional only until every caller of
   * `buildHttp` provides them.
   */
  alerts?: AlertService
  events?: EventBus
  /**
   * The waybills of a merchant's orders, for scoping merchant tokens (alerts, the event stream). Provided by
   * the orders module; without it a merchant token sees no alert and no event.
   */
  waybillsOfMerchant?: (merchant: string) => string[]
  /** Orders and waybills, and the monitor (profiles, trails): those routes exist when both are given. */
  orders?: OrderService
  monitor?: Monitor
  /** Writeback targets and the outbox: the platforms and outbox routes exist when given. */
  writeback?: WritebackControl
  /** Overrides of the event stream's defaults (heartbeat, replay buffer, backpressure bound). */
  sse?: Partial<SseOptions>
  /** Wall clock, injected like everywhere else (tests pass a fake one). */
  clock: () => number
}

/** What the orders, waybills, profiles and trail routes are built from. */
export type OrderDeps = HttpDeps & { orders: OrderService; monitor: Monitor }

/** What the alert routes and the event stream are built from. */
export type AlertDeps = HttpDeps & { alerts: AlertService; events: EventBus }
