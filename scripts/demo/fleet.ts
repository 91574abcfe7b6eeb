/**
 * The simulated fleet, in-process: `runScenarios` registers its devices through the gateway's API, creates the
 * orders and plays the scenario mix over MQTT at the chosen speed. `stop()` ends the run at the next simulated
 * tick; the devices then disconnect.
 */
import { runScenarios } from '../../simulator/fleet/run-command.js'

export interface FleetOptions {
  scenarios: string[]
  seed: number
  speed: number
  gateway: string
  mqtt: string
  token: string
  sandbox: string
  /** The fleet's own progress and problems, one line at a time. */
  onLine: (line: string) => void
}

export interface FleetOutcome {
  /** Played to the end of the scenarios (not stopped early, not failed). */
  finished: boolean
  readings: number
  scans: number
  error?: Error
}

export interface Fleet {
  /** Settles when the run ends, however it ends; never rejects. */
  done: Promise<FleetOutcome>
  stop(): Promise<FleetOutcome>
}

export function startFleet(o: FleetOptions): Fleet {
  const abort = new AbortController()
  // Distinct per demo run: device and waybill ids must differ between runs sharing a data directory.
  const runId = Date.now().toString(36).slice(-5)
  const done: Promise<FleetOutcome> = runScenarios({
    scenarios: o.scenarios,
    seed: o.seed,
    speed: o.speed,
    gateway: o.gateway,
    mqtt: o.mqtt,
    token: o.token,
    sandbox: o.sandbox,
    runId,
    signal: abort.signal,
    log: o.onLine,
  }).then(
    ({ truth }) => ({
      finished: !abort.signal.aborted,
      readings: truth.totals.readings,
      scans: truth.totals.scans,
    }),
    (error: unknown) => ({
      finished: false,
      readings: 0,
      scans: 0,
      error: error instanceof Error ? error : new Error(String(error)),
    }),
  )
  return {
    done,
    stop() {
      abort.abort()
      return done
    },
  }
}
