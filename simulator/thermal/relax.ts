/**
 * The one equation every thermal body here obeys: a lumped first-order (Newtonian) node,
 *   dT/dt = Σ kᵢ·(Tᵢ − T) + q,
 * each path i pulling T toward Tᵢ at rate kᵢ = 1/τᵢ, plus a constant source q (a defrost heater). With the inputs
 * held over a step it has the exact solution T(t+Δt) = T∞ + (T − T∞)·e^(−KΔt), K = Σkᵢ, T∞ = (Σkᵢ·Tᵢ + q)/K,
 * which stays stable for any step length (an Euler step would overshoot when Δt is near τ).
 */

const MS_PER_MIN = 60_000

/** A heat path: toward `targetC` with time constant `tauMin` minutes. */
export interface HeatPath {
  targetC: number
  tauMin: number
}

/**
 * T after `dtMs` under `paths` and a source of `sourceCPerMin` °C per minute. With no path, only the source acts.
 */
export function relax(tempC: number, paths: readonly HeatPath[], dtMs: number, sourceCPerMin = 0): number {
  const dtMin = dtMs / MS_PER_MIN
  let k = 0
  let weighted = 0
  for (const p of paths) {
    const ki = 1 / p.tauMin
    k += ki
    weighted += ki * p.targetC
  }
  if (k === 0) return tempC + sourceCPerMin * dtMin
  const equilibrium = (weighted + sourceCPerMin) / k
  return equilibrium + (tempC - equilibrium) * Math.exp(-k * dtMin)
}

/** The mean of T over the step, for integrating a heat flow that depends on T (exact for the same solution). */
export function meanOverStep(
  before: number,
  after: number,
  paths: readonly HeatPath[],
  dtMs: number,
  sourceCPerMin = 0,
): number {
  const dtMin = dtMs / MS_PER_MIN
  let k = 0
  let weighted = 0
  for (const p of paths) {
    k += 1 / p.tauMin
    weighted += p.targetC / p.tauMin
  }
  if (k === 0 || dtMin === 0) return (before + after) / 2
  const equilibrium = (weighted + sourceCPerMin) / k
  // ∫ (T∞ + (T0 − T∞)e^(−kt)) dt / Δt
  return equilibrium + ((before - equilibrium) * (1 - Math.exp(-k * dtMin))) / (k * dtMin)
}
