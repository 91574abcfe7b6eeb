/**
 * The monitoring timers (issue 3): the gap tick tells every waybill in custody the wall time, so a sensor that
 * went silent raises a data-gap alert before its data returns (withdrawn if a back-filled batch fills the
 * gap); the stall sweep looks for waybills without a new node for longer than their SLA tier allows. Both read
 * the injected clock and measure silence from when the gateway last heard the device (device-clock.ts), so a
 * device clock running behind (no NTP, the demo's fleet replaying a past day) is not silence. They run in one
 * transaction with their alerts and writeback rows, and publish what they found once committed.
 * `start()`/`stop()` mirror each other.
 */
import type { GatewayEvent } from '../events.js'
import type { Logger } from '../log.js'
import type { Database } from '../store/database.js'
import { outboxOf } from '../writeback/outbox/writer.js'
import type { MonitoringEvent } from './events.js'
import type { Monitoring } from './runtime.js'

export interface MonitoringTimersDeps {
  db: Database
  runtime: Monitoring
  gapTickMs: number
  stallSweepMs: number
  log: Logger
  clock: () => number
  /** Publishes committed facts on the bus. */
  publish: (events: GatewayEvent[]) => void
}

/**
 * Waybills per slice of the timed gap tick: one slice is one transaction of about a millisecond, and ingest
 * commits run between slices, so a tick over many waybills never holds the event loop for long.
 */
const SLICE = 1000

export class MonitoringTimers {
  private handles: NodeJS.Timeout[] = []
  private ticking = false
  private running = false

  constructor(private readonly deps: MonitoringTimersDeps) {}

  start(): void {
    this.running = true
    const every = (ms: number, run: () => void) => {
      const handle = setInterval(run, ms)
      handle.unref()
      this.handles.push(handle)
    }
    every(this.deps.gapTickMs, () => void this.tickInSlices())
    every(this.deps.stallSweepMs, () => this.sweepStalls())
  }

  stop(): void {
    this.running = false
    for (const handle of this.handles) clearInterval(handle)
    this.handles = []
  }

  /** One whole gap tick now, in one transaction; returns what it published (tests, simulated time). */
  tickGaps(): GatewayEvent[] {
    return this.run('gap tick', () => this.deps.runtime.monitor.tickActive())
  }

  /** The timed gap tick: the waybills in custody a slice at a time, yielding to ingest in between. */
  private async tickInSlices(): Promise<void> {
    if (this.ticking) return // the previous tick is still going: this one would find the same
    this.ticking = true
    try {
      const { monitor } = this.deps.runtime
      const waybills = monitor.activeWaybills()
      for (let i = 0; i < waybills.length && this.running; i += SLICE) {
        this.run('gap tick', () => monitor.tickActive(waybills.slice(i, i + SLICE)))
        await new Promise((resolve) => setImmediate(resolve))
      }
    } finally {
      this.ticking = false
    }
  }

  /** One stall sweep now; returns what it published. */
  sweepStalls(): GatewayEvent[] {
    return this.run('stall sweep', () => this.deps.runtime.monitor.sweepStalls())
  }

  /** Detection, alerts and outbox rows in one transaction; published only once it committed. */
  private run(what: string, detect: () => MonitoringEvent[]): GatewayEvent[] {
    const { db, runtime, log, clock } = this.deps
    try {
      const events = db.transaction((): GatewayEvent[] => {
        const found = detect()
        if (found.length === 0) return []
        const facts: GatewayEvent[] = [...found, ...runtime.alerting.apply(found)].map((e) => ({ ...e }))
        const rows = outboxOf(db).produce(facts, clock())
        return rows > 0 ? [...facts, { type: 'outbox.enqueued', rows }] : facts
      })()
      if (events.length > 0) {
        log.info({ events: events.length }, `${what}: findings`)
        this.deps.publish(events)
      }
      return events
    } catch (err) {
      // A failed run is rolled back whole (in-memory states too: state-cache.ts) and tried again next period.
      log.error({ err }, `${what} failed`)
      return []
    }
  }
}
