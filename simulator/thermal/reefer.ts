/**
 * A refrigerated truck body as one lumped air-and-load node (see relax.ts):
 * - heat leaks in through the walls toward ambient with time constant τ_wall (insulation plus the load's mass);
 * - an open door exchanges air with outside, τ_door; the door switch stops the evaporator fans, so no cooling
 *   while it is open (how most reefer units behave, and why a door left open is dangerous);
 * - the compressor, when running, pulls toward the supply-air temperature (setpoint − supplyOffset), τ_cool,
 *   and a thermostat switches it on above setpoint + band/2 and off below setpoint − band/2 (on/off cycling);
 * - every `defrostEveryMin` the unit defrosts its evaporator: compressor off and a heater adding `defrostRiseC`
 *   over `defrostDurationMin` (a short warm spike); a defrost that falls due while the door is open or the air is
 *   above the band waits until both are normal (a warm coil does not call for a defrost), and opening the door
 *   ends a defrost in progress (it is retried later);
 * - a failed unit never cools: the load approaches ambient exponentially with τ_wall.
 * Humidity: toward 90 %RH while not cooling, 75 %RH while cooling (the coil dries the air), ambient through an
 * open door.
 */
import { type HeatPath, relax } from './relax.js'

const MIN_MS = 60_000

/** The physical constants of one reefer unit and body. */
export interface ReeferParams {
  setpointC: number
  /** Full width of the thermostat's dead band, °C. */
  bandC: number
  /** Supply air is this much colder than the setpoint while the compressor runs. */
  supplyOffsetC: number
  tauCoolMin: number
  tauWallMin: number
  tauDoorMin: number
  defrostEveryMin: number
  defrostDurationMin: number
  defrostRiseC: number
  /** Minutes from the start of the run to the first defrost. */
  defrostPhaseMin: number
}

/** The evolving state of one reefer body. */
export interface ReeferState {
  tempC: number
  rh: number
  /** Thermostat demand (what the controller asks for; cooling also needs no failure, defrost or open door). */
  calling: boolean
  failed: boolean
  doorOpen: boolean
  /** End of the defrost in progress, epoch ms, or null. */
  defrostUntil: number | null
  nextDefrostAt: number
}

/** What the world around the truck is doing during a step. */
export interface ReeferInputs {
  ambientC: number
  ambientRh: number
}

export function initialReefer(p: ReeferParams, startMs: number, tempC = p.setpointC): ReeferState {
  return {
    tempC,
    rh: 85,
    calling: tempC > p.setpointC,
    failed: false,
    doorOpen: false,
    defrostUntil: null,
    nextDefrostAt: startMs + p.defrostPhaseMin * MIN_MS,
  }
}

/** True when the unit is actually removing heat. */
export function isCooling(s: ReeferState): boolean {
  return s.calling && !s.failed && !s.doorOpen && s.defrostUntil === null
}

/** The state `dtMs` after `nowMs`. Pure: the same inputs give the same state. */
export function stepReefer(
  s: ReeferState,
  p: ReeferParams,
  inputs: ReeferInputs,
  nowMs: number,
  dtMs: number,
): ReeferState {
  let { defrostUntil, nextDefrostAt, calling } = s
  if (defrostUntil !== null && nowMs >= defrostUntil) defrostUntil = null
  if (defrostUntil !== null && s.doorOpen) {
    // The door switch stops the unit, which ends the defrost; it is retried once the door is closed.
    defrostUntil = null
    nextDefrostAt = nowMs
  }
  if (nowMs >= nextDefrostAt) {
    if (s.failed) nextDefrostAt += p.defrostEveryMin * MIN_MS
    else if (!s.doorOpen && s.tempC <= p.setpointC + p.bandC / 2) {
      defrostUntil = nowMs + p.defrostDurationMin * MIN_MS
      nextDefrostAt += p.defrostEveryMin * MIN_MS
    }
    // Otherwise it waits: the coil is not cold while the door is open or the air is warm, so it does not start.
  }
  if (s.tempC > p.setpointC + p.bandC / 2) calling = true
  else if (s.tempC < p.setpointC - p.bandC / 2) calling = false
  const next: ReeferState = { ...s, calling, defrostUntil, nextDefrostAt }

  const paths: HeatPath[] = [{ targetC: inputs.ambientC, tauMin: p.tauWallMin }]
  if (s.doorOpen) paths.push({ targetC: inputs.ambientC, tauMin: p.tauDoorMin })
  const cooling = isCooling(next)
  if (cooling) paths.push({ targetC: p.setpointC - p.supplyOffsetC, tauMin: p.tauCoolMin })
  const heater = defrostUntil !== null ? p.defrostRiseC / p.defrostDurationMin : 0
  next.tempC = relax(s.tempC, paths, dtMs, heater)

  const rhPaths: HeatPath[] = [{ targetC: cooling ? 75 : 90, tauMin: 30 }]
  if (s.doorOpen) rhPaths.push({ targetC: inputs.ambientRh, tauMin: p.tauDoorMin })
  next.rh = relax(s.rh, rhPaths, dtMs)
  return next
}
