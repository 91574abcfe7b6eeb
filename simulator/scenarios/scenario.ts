/** The contract of a scenario file. */
import type { Scope } from '../fleet/plan-builder.js'

/** A named piece of a run: it adds its own fleet, parcels and incidents to the plan through its scope. */
export interface Scenario {
  name: string
  /** One line for `--help` and `list`. */
  summary: string
  /** Short, unique id prefix for what it creates. */
  prefix: string
  /** Simulated hours it needs from the start of the run. */
  durationH: number
  plan(s: Scope): void
}
