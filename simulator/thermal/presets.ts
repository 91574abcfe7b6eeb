/**
 * Physical presets per temperature profile: a reefer setpoint inside the profile's range with room for the
 * thermostat band and a defrost spike, and packs that melt inside the range. Figures are typical of small reefer
 * vans and EPS/PU parcel boxes; scenarios copy and change them.
 */
import type { IceBoxParams } from './ice-box.js'
import type { ReeferParams } from './reefer.js'

/** The profiles the simulator ships goods under (the gateway's default profile names). */
export type ProfileName = 'chilled' | 'frozen' | 'fresh_meat' | 'pharma_2_8' | 'controlled_ambient'

const reeferBase: Omit<ReeferParams, 'setpointC'> = {
  bandC: 2,
  supplyOffsetC: 8,
  tauCoolMin: 10,
  tauWallMin: 180,
  tauDoorMin: 12,
  defrostEveryMin: 360,
  // With the wall leak during the defrost (~0.15 °C/min on a hot day) the spike is about +3 °C over 12 min.
  defrostDurationMin: 12,
  defrostRiseC: 1.5,
  defrostPhaseMin: 120,
}

const setpoints: Record<ProfileName, number> = {
  chilled: 3.5,
  frozen: -25,
  fresh_meat: 2,
  pharma_2_8: 5,
  controlled_ambient: 20,
}

const meltPoints: Record<ProfileName, number> = {
  chilled: 4,
  frozen: -21,
  fresh_meat: 1.5,
  pharma_2_8: 5,
  controlled_ambient: 20,
}

export function reeferPreset(profile: ProfileName): ReeferParams {
  const p: ReeferParams = { ...reeferBase, setpointC: setpoints[profile] }
  // Narrow ranges need a narrower band and a smaller defrost spike to stay inside.
  if (profile === 'fresh_meat' || profile === 'pharma_2_8') return { ...p, bandC: 1.5, defrostRiseC: 0.5 }
  return p
}

export function boxPreset(profile: ProfileName): IceBoxParams {
  return { tauWallMin: 240, tauPcmMin: 20, tauLidMin: 5, pcmMeltC: meltPoints[profile], latentC: 150 }
}
