/**
 * An insulated parcel box with phase-change packs (ice or gel packs), as one air node coupled to:
 * - the outside (the truck's air, a cold room or ambient) through the walls, τ_wall (hours: the box warms slowly);
 * - the packs while any remain frozen, τ_pcm, toward their melting point: the packs hold the air on a plateau
 *   T ≈ T_melt + (T_out − T_melt)·τ_pcm/(τ_pcm + τ_wall) until they have melted;
 * - the outside through an open lid, τ_lid (fast).
 * The heat the packs absorb, ∫ (T − T_melt)/τ_pcm dt (°C of box air), melts them; `latentC` is their latent
 * heat in the same unit (the heat that would warm the box air by `latentC` °C), so the packs are gone once they
 * have absorbed that much. Below the melting point they refreeze, up to fully frozen.
 */
import { type HeatPath, meanOverStep, relax } from './relax.js'

const MIN_MS = 60_000

/** The physical constants of one box and its packs. */
export interface IceBoxParams {
  tauWallMin: number
  tauPcmMin: number
  tauLidMin: number
  pcmMeltC: number
  latentC: number
}

/** The evolving state of one box. */
export interface IceBoxState {
  tempC: number
  rh: number
  /** Frozen share of the packs, 0..1. */
  pcmFrozen: number
  lidOpen: boolean
}

/** The air around the box during a step. */
export interface Surroundings {
  tempC: number
  rh: number
}

/** The state `dtMs` later. Pure. */
export function stepIceBox(s: IceBoxState, p: IceBoxParams, out: Surroundings, dtMs: number): IceBoxState {
  const paths: HeatPath[] = [{ targetC: out.tempC, tauMin: p.tauWallMin }]
  if (s.lidOpen) paths.push({ targetC: out.tempC, tauMin: p.tauLidMin })
  const hasPcm = s.pcmFrozen > 0 || s.tempC < p.pcmMeltC
  if (hasPcm) paths.push({ targetC: p.pcmMeltC, tauMin: p.tauPcmMin })
  const tempC = relax(s.tempC, paths, dtMs)
  let pcmFrozen = s.pcmFrozen
  if (hasPcm) {
    const mean = meanOverStep(s.tempC, tempC, paths, dtMs)
    const absorbed = ((mean - p.pcmMeltC) / p.tauPcmMin) * (dtMs / MIN_MS)
    pcmFrozen = Math.min(1, Math.max(0, pcmFrozen - absorbed / p.latentC))
  }
  const rhPaths: HeatPath[] = [{ targetC: 90, tauMin: 60 }]
  if (s.lidOpen) rhPaths.push({ targetC: out.rh, tauMin: p.tauLidMin })
  return { ...s, tempC, pcmFrozen, rh: relax(s.rh, rhPaths, dtMs) }
}
