/** The scenarios by name, and how a list of them becomes one plan. */

import type { WorldPlan } from '../fleet/plan.js'
import { PlanBuilder } from '../fleet/plan-builder.js'
import { type AmbientParams, summerDay } from '../thermal/ambient.js'
import { boxOfflineBackfill } from './box-offline-backfill.js'
import { clockSkew } from './clock-skew.js'
import { doorLeftOpen } from './door-left-open.js'
import { normalDay } from './normal-day.js'
import { platformOutage } from './platform-outage.js'
import { reeferFailure } from './reefer-failure.js'
import type { Scenario } from './scenario.js'
import { sensorFault } from './sensor-fault.js'
import { stalledAtHub } from './stalled-at-hub.js'

export const scenarios: readonly Scenario[] = [
  normalDay,
  reeferFailure,
  doorLeftOpen,
  boxOfflineBackfill,
  clockSkew,
  stalledAtHub,
  sensorFault,
  platformOutage,
]

export function scenarioByName(name: string): Scenario {
  const found = scenarios.find((s) => s.name === name)
  if (!found) throw new Error(`unknown scenario "${name}"; known: ${scenarios.map((s) => s.name).join(', ')}`)
  return found
}

/** Simulated duration of a mix: the longest of its scenarios (ms). */
export function durationOf(names: readonly string[]): number {
  return Math.max(...names.map((n) => scenarioByName(n).durationH)) * 3_600_000
}

/** Options of a plan; `durationMs` defaults to the scenarios' longest. */
export interface MixOptions {
  seed: number
  runId: string
  start: number
  durationMs?: number
  tickMs?: number
  ambient?: AmbientParams
}

/** One plan from several scenarios, each in its own scope. */
export function planScenarios(names: readonly string[], o: MixOptions): WorldPlan {
  const end = o.start + (o.durationMs ?? durationOf(names))
  const builder = new PlanBuilder({
    seed: o.seed,
    runId: o.runId,
    start: o.start,
    end,
    tickMs: o.tickMs,
    ambient: o.ambient ?? summerDay,
  })
  for (const name of names) scenarioByName(name).plan(builder.scope(name, scenarioByName(name).prefix))
  return builder.build()
}
