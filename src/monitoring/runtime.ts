/**
 * One monitoring runtime per database (`monitoringOf`), like custody and the outbox writer: the ingest steps
 * reach it through the database they are given, the gateway configures it at start (`configureMonitoring`:
 * the injected clock, the config, the metrics). Unconfigured, it runs on the config defaults and `Date.now`.
 */
import { AlertService } from '../alerts/service.js'
import { type Config, configSchema } from '../config.js'
import type { Metrics } from '../metrics.js'
import type { Database } from '../store/database.js'
import { AlertMapper } from './alerting.js'
import { Monitor } from './monitor.js'

export interface Monitoring {
  monitor: Monitor
  /** Maps monitoring facts to alert transitions (the alerts step and the timers). */
  alerting: AlertMapper
  alerts: AlertService
}

export interface MonitoringSetup {
  monitoring: Config['monitoring']
  alerts: Config['alerts']
  clock: () => number
  metrics?: Metrics
}

const runtimes = new WeakMap<Database, Monitoring>()

function build(db: Database, setup: MonitoringSetup): Monitoring {
  const { monitoring: m, clock, metrics } = setup
  const monitor = new Monitor(db, {
    clock,
    window: { spanMs: m.windowSpanMs, maxReadings: m.windowMaxReadings },
    stall: { same_day: m.stallSameDayMs, next_day: m.stallNextDayMs, standard: m.stallStandardMs },
    cacheWaybills: m.cacheWaybills,
    rebuildsPerTick: m.rebuildsPerTick,
    counted: metrics ? (path, n) => metrics.monitoringEvaluations.inc({ path }, n) : undefined,
  })
  const alerts = new AlertService(db, setup.alerts, clock)
  return { monitor, alerting: new AlertMapper(alerts), alerts }
}

/** The database's monitoring runtime, created with the defaults on first use. */
export function monitoringOf(db: Database): Monitoring {
  let runtime = runtimes.get(db)
  if (!runtime) {
    runtime = build(db, {
      monitoring: configSchema.shape.monitoring.parse(undefined),
      alerts: configSchema.shape.alerts.parse(undefined),
      clock: Date.now,
    })
    runtimes.set(db, runtime)
  }
  return runtime
}

/** Replaces the database's runtime with one built from the gateway's configuration (before ingest starts). */
export function configureMonitoring(db: Database, setup: MonitoringSetup): Monitoring {
  const runtime = build(db, setup)
  runtimes.set(db, runtime)
  return runtime
}
