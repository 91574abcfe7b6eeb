/**
 * One evaluated channel (temperature or humidity): its bounds, how a value is classified against them, and
 * how an out-of-range run is reported as an `Excursion` with its severity.
 */
import type { Severity, SeverityBand, TemperatureProfile } from './profiles.js'
import { iso } from './readings.js'
import type { Excursion, ExcursionKind, Side } from './types.js'

/** A channel's bounds and timings, derived from the profile. */
export interface ChannelConfig {
  kind: ExcursionKind
  low: number | null
  high: number | null
  delayMs: number
  hysteresis: number
  bands: readonly SeverityBand[]
}

/** The channels a profile evaluates: temperature always, humidity when the profile has bounds for it. */
export function channelsOf(profile: TemperatureProfile): { temp: ChannelConfig; rh: ChannelConfig | null } {
  const h = profile.humidity
  return {
    temp: {
      kind: 'temperature',
      low: profile.lowC,
      high: profile.highC,
      delayMs: profile.alarmDelayMs,
      hysteresis: profile.clearHysteresisC,
      bands: profile.severityBands,
    },
    rh: h
      ? {
          kind: 'humidity',
          low: h.lowPct,
          high: h.highPct,
          delayMs: h.delayMs,
          hysteresis: h.hysteresisPct,
          bands: h.severityBands,
        }
      : null,
  }
}

/** Which bound a value is beyond; bounds are inclusive (a value equal to the bound is in range). */
export function classify(v: number, cfg: ChannelConfig): Side | null {
  if (cfg.high !== null && v > cfg.high) return 'high'
  if (cfg.low !== null && v < cfg.low) return 'low'
  return null
}

/** An open excursion clears only once the value is back inside by the hysteresis margin. */
export function clears(v: number, side: Side, cfg: ChannelConfig): boolean {
  return side === 'high' ? v <= (cfg.high ?? 0) - cfg.hysteresis : v >= (cfg.low ?? 0) + cfg.hysteresis
}

export function boundOf(side: Side, cfg: ChannelConfig): number {
  return (side === 'high' ? cfg.high : cfg.low) ?? 0
}

const rank: Record<Severity, number> = { minor: 0, major: 1, critical: 2 }

/** The highest band whose every criterion is met; `minor` when none is. */
export function severityOf(deviation: number, durationMs: number, bands: readonly SeverityBand[]): Severity {
  let best: Severity = 'minor'
  for (const b of bands) {
    const met =
      (b.minDeviation === undefined || deviation >= b.minDeviation) &&
      (b.minDurationMs === undefined || durationMs >= b.minDurationMs)
    if (met && rank[b.severity] > rank[best]) best = b.severity
  }
  return best
}

/**
 * A run of readings beyond one bound, as the sweep carries it: pending while `openedAt` is null, an excursion
 * after. Mutated by the sweep on its private copy only.
 */
export interface Run {
  id: string
  side: Side
  startTs: number
  openedAt: number | null
  openedBy: 'delay' | 'budget' | null
  peak: number
  peakTs: number
  area: number
  outOfRangeMs: number
}

/**
 * `{scope}:{kind}:{side}:{start ISO}`. Unique: within one device time samples are ordered by value, so a run on
 * one side cannot end and restart at the same instant.
 */
export function excursionId(scope: string, kind: ExcursionKind, side: Side, startTs: number): string {
  return `${scope}:${kind}:${side}:${iso(startTs)}`
}

export function startRun(scope: string, cfg: ChannelConfig, side: Side, ts: number, v: number): Run {
  return {
    id: excursionId(scope, cfg.kind, side, ts),
    side,
    startTs: ts,
    openedAt: null,
    openedBy: null,
    peak: v,
    peakTs: ts,
    area: 0,
    outOfRangeMs: 0,
  }
}

/** The report of an opened run: cleared at `endTs`, or ongoing (endTs null) up to the reading at `lastTs`. */
export function toExcursion(run: Run, cfg: ChannelConfig, endTs: number | null, lastTs: number): Excursion {
  const bound = boundOf(run.side, cfg)
  const peakDeviation = Math.abs(run.peak - bound)
  const durationMs = (endTs ?? lastTs) - run.startTs
  return {
    id: run.id,
    kind: cfg.kind,
    side: run.side,
    startTs: run.startTs,
    endTs,
    openedAt: run.openedAt ?? lastTs,
    openedBy: run.openedBy ?? 'delay',
    lastTs: endTs ?? lastTs,
    durationMs,
    outOfRangeMs: run.outOfRangeMs,
    bound,
    peak: run.peak,
    peakTs: run.peakTs,
    peakDeviation,
    area: run.area,
    severity: severityOf(peakDeviation, durationMs, cfg.bands),
  }
}
