/**
 * What the gateway found, read over HTTP and flattened into one Finding per occurrence. This is the only module
 * that knows the gateway's reply shapes; they are read tolerantly (unknown fields ignored, a few spellings
 * accepted) so that scoring survives small API changes. Expected shape of GET /api/v1/alerts (pages of
 * `{ items, next }`), per alert:
 *   { id, kind: 'temperature'|'humidity'|'data_gap'|'transit_stalled'|'budget_exhausted'|'sensor_fault',
 *     waybill, state, detectedLate, openedAt (wall, ISO), conditionStartedAt, conditionEndedAt (device time),
 *     sources: { [sourceId]: { open, startedAt, endedAt, detail: { side?, peak?, withdrawn? } } } }
 * Each source is one occurrence (an alert folds every excursion of a kind on a waybill); an alert without sources
 * counts as one occurrence spanning its condition times. A source whose detail says `withdrawn: true` (disproved
 * by late data) is not a finding.
 */
import { z } from 'zod'
import type { GatewayApi } from '../../api-client.js'

/** One thing the gateway reported. Times are epoch ms; `detectedAt` is wall time, the others device time. */
export interface Finding {
  kind: string
  waybill: string
  side: 'high' | 'low' | null
  start: number | null
  end: number | null
  detectedAt: number | null
  late: boolean
  ref: string
}

const time = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : typeof v === 'number' ? v : Date.parse(v)))
const source = z.looseObject({
  startedAt: time,
  endedAt: time,
  detail: z.record(z.string(), z.unknown()).nullish(),
})
const alert = z.looseObject({
  id: z.union([z.string(), z.number()]),
  kind: z.string(),
  waybill: z.string().nullish(),
  waybills: z.array(z.string()).nullish(),
  detectedLate: z.boolean().nullish(),
  openedAt: time,
  createdAt: time,
  conditionStartedAt: time,
  conditionEndedAt: time,
  sources: z.record(z.string(), source).nullish(),
})

/** Flattens raw alerts into findings; alerts that do not parse are skipped and counted. */
export function findingsFromAlerts(raw: readonly unknown[]): { findings: Finding[]; unreadable: number } {
  const findings: Finding[] = []
  let unreadable = 0
  for (const item of raw) {
    const parsed = alert.safeParse(item)
    if (!parsed.success) {
      unreadable++
      continue
    }
    const a = parsed.data
    const waybills = a.waybills ?? (a.waybill ? [a.waybill] : [])
    const detectedAt = a.openedAt ?? a.createdAt
    const occurrences = Object.entries(a.sources ?? {}).filter(([, s]) => s.detail?.['withdrawn'] !== true)
    const spans =
      occurrences.length > 0
        ? occurrences.map(([id, s]) => ({
            id,
            start: s.startedAt,
            end: s.endedAt,
            side: sideOf(s.detail?.['side'] ?? id),
          }))
        : Object.keys(a.sources ?? {}).length > 0
          ? []
          : [{ id: '', start: a.conditionStartedAt, end: a.conditionEndedAt, side: null }]
    for (const waybill of waybills) {
      for (const s of spans) {
        findings.push({
          kind: a.kind,
          waybill,
          side: s.side,
          start: s.start,
          end: s.end,
          detectedAt,
          late: a.detectedLate ?? false,
          ref: `alert ${a.id}${s.id ? ` ${s.id}` : ''}`,
        })
      }
    }
  }
  return { findings, unreadable }
}

/** Reads every alert from the gateway and flattens it. */
export async function readFindings(
  api: Pick<GatewayApi, 'listAlerts'>,
): Promise<{ findings: Finding[]; unreadable: number }> {
  return findingsFromAlerts(await api.listAlerts())
}

function sideOf(v: unknown): 'high' | 'low' | null {
  if (v === 'high' || v === 'low') return v
  if (typeof v === 'string') {
    if (v.includes(':high:')) return 'high'
    if (v.includes(':low:')) return 'low'
  }
  return null
}
