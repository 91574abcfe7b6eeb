import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { custodyOf } from '../../../../src/custody/service.js'
import { createLogger } from '../../../../src/log.js'
import { TrailScheduler } from '../../../../src/writeback/relay/trail-scheduler.js'
import type { TemperatureTrailEvent } from '../../../../src/writeback/types.js'
import { at, scan, sensor } from '../../custody/fixtures.js'
import { addOrder, addTarget, type World, world } from '../outbox/fixtures.js'
import { FakeClock } from './fake-clock.js'

const MIN = 60_000

describe('the trail scheduler', () => {
  let w: World
  let trails: TrailScheduler
  let woken = 0
  beforeEach(() => {
    w = world(at('07:00'))
    woken = 0
    trails = scheduler(new FakeClock(at('07:00')))
    addTarget(w, 'webhook', { settings: { trailIntervalMs: 15 * MIN } })
    addTarget(w, 'kdniao') // takes no trails
    addOrder(w, 'W1')
    sensor(w.db, 'S-BOX', 'box_sensor', 'BOX-S')
    sensor(w.db, 'S-OTHER', 'box_sensor', 'BOX-O')
    custodyOf(w.db).recordScan(scan('W1', 'pickup', '08:00', 'BOX-S'))
    const insert = w.db.prepare(
      `INSERT INTO readings (device_id, seq, ts, received_at, temp_c, rh, quality)
       VALUES (?, ?, ?, ?, ?, NULL, 'ok')`,
    )
    for (let m = 0; m < 60; m++) {
      insert.run('S-BOX', m, at('08:00') + m * MIN, at('08:00') + m * MIN, 4 + (m % 3))
      insert.run('S-OTHER', m, at('08:00') + m * MIN, at('08:00') + m * MIN, 20) // another box: not W1's
    }
  })
  afterEach(() => w.db.close())

  /** A scheduler on the test's store; a second one is what a restarted gateway builds. */
  function scheduler(clock: FakeClock): TrailScheduler {
    return new TrailScheduler({
      db: w.db,
      writer: w.writer,
      log: createLogger({ level: 'silent' }),
      clock: clock.now,
      timers: clock,
      sweepMs: 30_000,
      onWritten: () => {
        woken += 1
      },
    })
  }

  const batches = () =>
    w.db
      .prepare<[], { target_id: string; event_id: string; payload: string }>(
        "SELECT target_id, event_id, payload FROM outbox WHERE type = 'temperature.trail' ORDER BY id",
      )
      .all()
      .map((r) => ({
        target: r.target_id,
        id: r.event_id,
        event: JSON.parse(r.payload) as TemperatureTrailEvent,
      }))

  it('cuts one batch per interval from the waybill’s own sensor, for targets that take trails', () => {
    expect(trails.runOnce(at('08:20'))).toBe(1)
    expect(trails.runOnce(at('08:30'))).toBe(0) // less than an interval since the last batch
    expect(trails.runOnce(at('08:36'))).toBe(1)
    const [first, second] = batches()
    expect(first?.target).toBe('t-webhook')
    expect(first?.id).toBe(`trail:t-webhook:W1:${at('08:00')}`)
    expect(first?.event.points).toHaveLength(20)
    expect(first?.event.points.every((p) => p.tempC !== 20)).toBe(true)
    expect(first?.event.summary).toMatchObject({ count: 20, minC: 4, maxC: 6, outOfRangeMs: 0 })
    expect([second?.event.from, second?.event.to]).toEqual([at('08:20'), at('08:36')])
    expect(woken).toBe(2)
  })

  it('cuts batches for a per-merchant target only from its merchant’s waybills', () => {
    const settings = { trailIntervalMs: 15 * MIN }
    addTarget(w, 'webhook', { id: 'farm', extra: { merchantId: 'fresh-farm' }, settings })
    addTarget(w, 'webhook', { id: 'dairy', extra: { merchantId: 'dairy-co' }, settings })
    expect(trails.runOnce(at('08:20'))).toBe(2)
    expect(batches().map((b) => b.target)).toEqual(['farm', 't-webhook'])
  })

  it('sends a final batch up to delivery, then stops', () => {
    trails.runOnce(at('08:20'))
    custodyOf(w.db).recordScan(scan('W1', 'delivered', '08:25'))
    expect(trails.runOnce(at('08:27'))).toBe(1)
    expect(trails.runOnce(at('09:30'))).toBe(0)
    expect(batches().at(-1)?.event.to).toBe(at('08:25') + 1)
  })

  it('resumes from its stored cursor after a restart: no window repeated or skipped', () => {
    trails.runOnce(at('08:20'))
    const again = scheduler(new FakeClock(at('08:21')))
    expect(again.runOnce(at('08:21'))).toBe(0)
    expect(again.runOnce(at('08:35'))).toBe(1)
    expect(batches().map((b) => b.event.from)).toEqual([at('08:00'), at('08:20')])
  })
})
