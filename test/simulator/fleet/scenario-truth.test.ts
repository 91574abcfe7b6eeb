import { describe, expect, it } from 'vitest'
import { MemoryBroker } from '../../../simulator/fleet/memory-link.js'
import type { WorldEvent } from '../../../simulator/fleet/plan.js'
import { runScenarios } from '../../../simulator/fleet/run-command.js'
import { parseGroundTruth } from '../../../simulator/ground-truth.js'
import { scenarioByName, scenarios } from '../../../simulator/scenarios/index.js'

const START = Date.parse('2026-07-01T06:00:00+08:00')
const MIN = 60_000
const at = (iso: string | null) => (iso === null ? null : Date.parse(iso))

async function dry(scenario: string) {
  const memory = new MemoryBroker()
  const { plan, truth } = await runScenarios({
    scenarios: [scenario],
    seed: 42,
    speed: 'max',
    start: START,
    runId: 't',
    dryRun: true,
    memory,
  })
  parseGroundTruth(JSON.parse(JSON.stringify(truth)))
  const loose = truth.waybills.filter((w) => !w.container.includes('box'))
  const boxed = truth.waybills.filter((w) => w.container.includes('box'))
  const events = <T extends WorldEvent['type']>(type: T) =>
    plan.events.filter((e): e is Extract<WorldEvent, { type: T }> => e.type === type)
  return { plan, truth, memory, loose, boxed, events }
}

describe('scenario ground truth, computed from what each scenario published', () => {
  it('normal-day: a whole day of runs without one excursion, gap, stall or fault', async () => {
    const { truth } = await dry('normal-day')
    expect(truth.waybills.length).toBeGreaterThanOrEqual(15)
    for (const w of truth.waybills) {
      expect({ no: w.no, ex: w.excursions, gaps: w.gaps, stalls: w.stalls }).toEqual({
        no: w.no,
        ex: [],
        gaps: [],
        stalls: [],
      })
      expect(w.custody.to).not.toBeNull()
    }
    expect(truth.sensorFaults).toEqual([])
  })

  it('reefer-failure: one high excursion per loose parcel still aboard, starting when the van air passes 8 °C', async () => {
    const { truth, loose, boxed, events, plan } = await dry('reefer-failure')
    const failedAt = events('reefer')[0]?.at as number
    const van = truth.devices.find((d) => d.kind === 'truck_sensor')?.id
    const affected = loose.filter((w) => (at(w.custody.to) as number) > failedAt + 60 * MIN)
    expect(affected.length).toBeGreaterThanOrEqual(2)
    for (const w of affected) {
      expect(w.excursions).toHaveLength(1)
      const e = w.excursions[0]
      expect(e).toMatchObject({ kind: 'temperature', side: 'high', deviceId: van, late: false })
      // 3.5 °C to 8 °C toward ~30 °C ambient with τ 180 min: about half an hour.
      const start = at(e?.start ?? null) as number
      expect(start - failedAt).toBeGreaterThan(15 * MIN)
      expect(start - failedAt).toBeLessThan(60 * MIN)
      expect(w.budget.outOfRangeMs).toBeGreaterThan(0)
    }
    const starts = new Set(affected.map((w) => w.excursions[0]?.start))
    expect(starts.size).toBe(1)
    for (const w of boxed) expect(w.excursions).toEqual([])
    expect(plan.trucks).toHaveLength(1)
  })

  it('door-left-open: the loose parcels go out of range while the door is open and come back after it closes', async () => {
    const { loose, boxed, events } = await dry('door-left-open')
    const doors = events('door')
    const open = doors.find((d, i) => d.open && (doors[i + 1]?.at ?? 0) - d.at >= 30 * MIN) as WorldEvent
    const closedAt = doors[doors.indexOf(open as never) + 1]?.at as number
    expect(loose.length).toBe(3)
    for (const w of loose) {
      expect(w.excursions).toHaveLength(1)
      const e = w.excursions[0]
      expect(at(e?.start ?? null)).toBeGreaterThanOrEqual(open.at)
      expect(at(e?.end ?? null)).toBeGreaterThan(closedAt)
      expect(at(e?.end ?? null)).toBeLessThan(closedAt + 20 * MIN)
    }
    for (const w of boxed) expect(w.excursions).toEqual([])
  })

  it('box-offline-backfill: the back-filled batch holds an excursion, confirmed late, and leaves no gap; the lost buffer leaves one', async () => {
    const { truth, boxed, events } = await dry('box-offline-backfill')
    const [offA, offB] = events('offline')
    const [onA, onB] = events('online')
    const [a, b] = boxed
    expect(a?.excursions).toHaveLength(1)
    const e = a?.excursions[0]
    expect(e?.late).toBe(true)
    expect(at(e?.start ?? null)).toBeGreaterThan(offA?.at as number)
    expect(at(e?.end ?? null)).toBeLessThan(onA?.at as number)
    expect(a?.gaps).toEqual([])
    expect(b?.excursions).toEqual([])
    expect(b?.gaps).toHaveLength(1)
    const gap = b?.gaps[0]
    expect(at(gap?.start ?? null)).toBeLessThanOrEqual(offB?.at as number)
    expect(at(gap?.end ?? null)).toBeGreaterThanOrEqual(onB?.at as number)
    expect(truth.devices.find((d) => d.id === a?.sensorId)?.backfilled).toBe(60)
    expect(truth.devices.find((d) => d.id === b?.sensorId)?.lost).toBe(30)
  })

  it('clock-skew: times are the devices’ own: the fast sensor’s excursion starts 7 min after its true start', async () => {
    const { truth, loose } = await dry('clock-skew')
    for (const w of loose) {
      expect(w.excursions).toHaveLength(1)
      const e = w.excursions[0]
      expect((at(e?.start ?? null) as number) - (at(e?.trueStart ?? null) as number)).toBe(7 * MIN)
    }
    const skews = truth.devices
      .map((d) => d.clockSkewMs)
      .filter((s) => s !== 0)
      .sort((x, y) => x - y)
    expect(skews).toEqual([-5 * MIN, -3 * MIN, 7 * MIN])
  })

  it('stalled-at-hub: a stall ended by a late hub_out, one still open at the end, and none for the parcel on time', async () => {
    const { truth } = await dry('stalled-at-hub')
    const [late, stuck, onTime] = truth.waybills
    expect(late?.slaTier).toBe('same_day')
    expect(late?.stalls).toEqual([
      expect.objectContaining({ lastEvent: 'hub_in', until: expect.any(String) }),
    ])
    const s = late?.stalls[0]
    expect((at(s?.due ?? null) as number) - (at(s?.since ?? null) as number)).toBe(
      truth.rules.slaNodeLimitMs['same_day'],
    )
    expect(stuck?.stalls).toEqual([expect.objectContaining({ lastEvent: 'hub_in', until: null })])
    expect(stuck?.custody.to).toBeNull()
    expect(onTime?.stalls).toEqual([])
  })

  it('sensor-fault: three absurd readings, listed as faults with the parcels they concern, and no excursion', async () => {
    const { truth } = await dry('sensor-fault')
    expect(truth.sensorFaults.map((f) => f.value)).toEqual([900, -273, 900])
    for (const f of truth.sensorFaults) expect(f.waybills.length).toBeGreaterThan(0)
    for (const w of truth.waybills) expect(w.excursions).toEqual([])
  })

  it('platform-outage: records the 90-minute fault window', async () => {
    const { truth } = await dry('platform-outage')
    expect(truth.platformOutages).toHaveLength(1)
    const o = truth.platformOutages[0]
    expect((at(o?.to ?? null) as number) - (at(o?.from ?? null) as number)).toBe(90 * MIN)
    expect(o?.fault).toEqual({ platform: 'all', outage: {} })
  })
})

describe('the scenario registry', () => {
  it('knows every scenario by name and refuses others', () => {
    expect(scenarios.map((s) => s.name)).toEqual([
      'normal-day',
      'reefer-failure',
      'door-left-open',
      'box-offline-backfill',
      'clock-skew',
      'stalled-at-hub',
      'sensor-fault',
      'platform-outage',
    ])
    expect(new Set(scenarios.map((s) => s.prefix)).size).toBe(scenarios.length)
    expect(() => scenarioByName('nope')).toThrow('unknown scenario "nope"')
  })
})

describe('determinism', () => {
  const published = async (seed: number) => {
    const memory = new MemoryBroker()
    await runScenarios({
      scenarios: ['reefer-failure', 'box-offline-backfill'],
      seed,
      speed: 'max',
      start: START,
      runId: 'd',
      dryRun: true,
      memory,
    })
    return memory.messages
  }

  it('publishes the same series for the same seed, and a different one for another', async () => {
    const a = await published(7)
    const b = await published(7)
    expect(b).toEqual(a)
    const c = await published(8)
    expect(c.map((m) => m.payload)).not.toEqual(a.map((m) => m.payload))
  })
})
