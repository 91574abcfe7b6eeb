import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { runScenarios } from '../../../simulator/fleet/run-command.js'
import { findingsFromAlerts } from '../../../simulator/fleet/scoring/findings.js'
import { expectedFrom, score } from '../../../simulator/fleet/scoring/score.js'
import { scoreCommand } from '../../../simulator/fleet/scoring/score-command.js'
import type { GroundTruth } from '../../../simulator/ground-truth.js'
import { startFakeApi } from './fakes.js'

const START = Date.parse('2026-07-01T06:00:00+08:00')
let truth: GroundTruth

/** Alerts as a perfect gateway would raise them (its documented shape), one per waybill and kind. */
function perfectAlerts(t: GroundTruth): Record<string, unknown>[] {
  const groups = new Map<string, Record<string, unknown>>()
  let id = 0
  for (const e of expectedFrom(t)) {
    const key = `${e.waybill}/${e.kind}`
    const alert = groups.get(key) ?? {
      id: ++id,
      kind: e.kind,
      waybill: e.waybill,
      state: 'active_unack',
      detectedLate: false,
      openedAt: new Date((e.readyAtWall ?? Date.now()) + 150).toISOString(),
      sources: {},
    }
    const sourceId = `${e.waybill}:${e.kind}:${e.side ?? 'x'}:${new Date(e.start).toISOString()}`
    ;(alert['sources'] as Record<string, unknown>)[sourceId] = {
      open: false,
      startedAt: new Date(e.start).toISOString(),
      endedAt: null,
      detail: {},
    }
    groups.set(key, alert)
  }
  return [...groups.values()]
}

beforeAll(async () => {
  ;({ truth } = await runScenarios({
    scenarios: ['reefer-failure', 'stalled-at-hub', 'box-offline-backfill', 'sensor-fault'],
    seed: 42,
    speed: 'max',
    start: START,
    runId: 's',
    dryRun: true,
  }))
})

describe('scoring a gateway against the ground truth', () => {
  it('finds nothing to complain about in a perfect detector, with detection delays for excursions', () => {
    const { findings } = findingsFromAlerts(perfectAlerts(truth))
    const report = score(truth, findings)
    expect(report.missed).toEqual([])
    expect(report.falseAlarms).toEqual([])
    expect(report.ok).toBe(true)
    expect(Object.keys(report.byKind).sort()).toEqual([
      'budget_exhausted',
      'data_gap',
      'sensor_fault',
      'temperature',
      'transit_stalled',
    ])
    expect(report.byKind['temperature']?.delayMs.p50).toBe(150)
  })

  it('reports what a detector missed and what it raised without cause', () => {
    const alerts = perfectAlerts(truth).filter((a) => a['kind'] !== 'data_gap')
    const reefer = truth.waybills.find((w) => w.scenario === 'reefer-failure' && w.excursions.length === 0)
      ?.no as string
    alerts.push({
      id: 999,
      kind: 'temperature',
      waybill: reefer,
      openedAt: new Date().toISOString(),
      conditionStartedAt: truth.start,
      sources: {},
    })
    alerts.push({
      id: 1000,
      kind: 'temperature',
      waybill: 'someone-elses-waybill',
      openedAt: new Date().toISOString(),
      sources: {},
    })
    const report = score(truth, findingsFromAlerts(alerts).findings)
    expect(report.ok).toBe(false)
    expect(report.byKind['data_gap']).toMatchObject({ expected: 1, detected: 0, missed: 1 })
    expect(report.falseAlarms.map((f) => f.ref)).toEqual(['alert 999'])
  })

  it('does not count occurrences withdrawn after late data as findings', () => {
    const [alert] = findingsFromAlerts([
      {
        id: 1,
        kind: 'data_gap',
        waybill: 'W',
        openedAt: truth.start,
        sources: { a: { startedAt: truth.start, endedAt: null, detail: { withdrawn: true } } },
      },
    ]).findings
    expect(alert).toBeUndefined()
  })

  it('matches on side and start time within the tolerance', () => {
    const alerts = perfectAlerts(truth).map((a) => {
      if (a['kind'] !== 'temperature') return a
      const sources = Object.fromEntries(
        Object.entries(a['sources'] as Record<string, { startedAt: string }>).map(([id, s]) => [
          id.replace(':high:', ':low:'),
          { ...s, startedAt: new Date(Date.parse(s.startedAt) + 30 * 60_000).toISOString() },
        ]),
      )
      return { ...a, sources }
    })
    const report = score(truth, findingsFromAlerts(alerts).findings)
    expect(report.byKind['temperature']?.detected).toBe(0)
  })

  it('reads the alerts over HTTP and exits with the report (score command)', async () => {
    const token = 't0ken'
    const api = await startFakeApi(token)
    const dir = mkdtempSync(join(tmpdir(), 'sim-score-'))
    try {
      api.alerts = perfectAlerts(truth)
      const file = join(dir, 'truth.json')
      writeFileSync(file, JSON.stringify(truth))
      const lines: string[] = []
      const report = await scoreCommand({ truth: file, gateway: api.url, token }, (l) => lines.push(l))
      expect(report.ok).toBe(true)
      expect(lines.join('\n')).toMatch(/temperature\s+\d+\s+\d+\s+0\s+0/)
      expect(api.calls.at(-1)?.path).toBe('/api/v1/alerts?limit=500')
    } finally {
      rmSync(dir, { recursive: true, force: true })
      await api.close()
    }
  })
})
