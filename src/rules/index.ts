/**
 * The rules domain core: temperature profiles, the event-time excursion engine, MKT, transit stall and the
 * trail summary. Pure functions of their inputs; no I/O, no clock, no fastify/aedes.
 */
export {
  createState,
  type EngineResult,
  type ExcursionState,
  processReading,
  processReadings,
  rebuild,
  tick,
} from './engine.js'
export {
  addToMkt,
  arrhenius,
  DELTA_H_OVER_R_K,
  emptyMkt,
  type MktAccumulator,
  meanKineticTemperature,
  mergeMkt,
  mktOf,
  mktOfSeries,
} from './mkt.js'
export {
  type DefaultProfileName,
  defaultProfileNames,
  defaultProfiles,
  type HumidityBounds,
  type ProfileOverride,
  resolveProfile,
  type Severity,
  type SeverityBand,
  severities,
  type TemperatureProfile,
  temperatureProfileSchema,
} from './profiles.js'
export { evaluateSeries, report } from './report.js'
export {
  checkStall,
  defaultStallParams,
  type SlaTier,
  type StallParams,
  type StallResult,
  slaTiers,
} from './stall.js'
export { summarizeReport, summarizeTrail, type TrailSummary } from './summary.js'
export type {
  BudgetStatus,
  EngineParams,
  Excursion,
  ExcursionKind,
  Gap,
  Pending,
  Report,
  RuleEvent,
  RuleEventType,
  RuleReading,
  SeriesStats,
  Side,
  WindowOptions,
} from './types.js'
