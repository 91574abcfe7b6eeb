/**
 * The detection rules the ground truth is computed with. They restate the gateway's documented defaults (the
 * profiles of specs/cold-chain.md with a 10-minute alarm delay, 0.5 °C hysteresis and 30-minute maximum gap;
 * humidity delay 30 min and hysteresis 2 %RH; stall limits per SLA tier) because the simulator is an outside
 * party and imports nothing from the gateway. If the gateway's defaults change, change them here (or pass your
 * own to computeTruth): the truth file records the rules it used.
 */
import type { ProfileRules, TruthRules } from '../../ground-truth.js'
import type { ProfileName, SlaTier } from '../plan.js'

const MIN = 60_000

const base: Omit<ProfileRules, 'lowC' | 'highC'> = {
  rhLow: null,
  rhHigh: null,
  alarmDelayMs: 10 * MIN,
  rhAlarmDelayMs: 30 * MIN,
  hysteresisC: 0.5,
  rhHysteresis: 2,
  budgetMs: 60 * MIN,
  maxGapMs: 30 * MIN,
}

export const defaultProfiles: Record<ProfileName, ProfileRules> = {
  frozen: { ...base, lowC: null, highC: -18 },
  chilled: { ...base, lowC: 0, highC: 8 },
  fresh_meat: { ...base, lowC: 0, highC: 4, budgetMs: 30 * MIN },
  pharma_2_8: { ...base, lowC: 2, highC: 8, maxGapMs: 15 * MIN },
  controlled_ambient: { ...base, lowC: 15, highC: 25, budgetMs: 120 * MIN },
}

/** Longest time a waybill may go without a tracking node, per SLA tier, before it counts as stalled. */
export const defaultSlaNodeLimitMs: Record<SlaTier, number> = {
  same_day: 3 * 60 * MIN,
  next_day: 8 * 60 * MIN,
  standard: 24 * 60 * MIN,
}

export const defaultRules: TruthRules = {
  profiles: defaultProfiles,
  slaNodeLimitMs: defaultSlaNodeLimitMs,
  // The gateway's plausible sensor range (its ingest.tempMinC/tempMaxC defaults).
  sensorRange: { minC: -60, maxC: 85 },
}
