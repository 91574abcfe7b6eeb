import type { TokenRepository } from '../../src/auth/tokens.js'
import type { Config } from '../../src/config.js'
import type { Logger } from '../../src/log.js'
import type { Metrics } from '../../src/metrics.js'
import type { Database } from '../../src/store/database.js'
import type { DeviceRepository } from '../../src/store/devices.js'

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
  /** Wall clock, injected like everywhere else (tests pass a fake one). */
  clock: () => number
}
