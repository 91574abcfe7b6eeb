import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GapEvent } from '../../../src/monitoring/events.js'
import { at, MIN, reading, scan, type World, world } from './fixtures.js'

// Every device of this fleet runs two hours behind the gateway, like a box without NTP (or the demo's fleet,
// which replays a past day): what it stamps 08:00 reaches the gateway at 10:00.
const BEHIND = 120 * MIN

/** A reading stamped by the lagging device, received now. */
const heard = (w: World, tempC: number) => ({
  ...reading('B1', w.clock.now - BEHIND, tempC),
  receivedAt: w.clock.now,
})

/** The box publishes every minute from now for `minutes`, with a gap tick after each reading. */
async function publish(w: World, minutes: number): Promise<void> {
  for (let i = 0; i < minutes; i++) {
    if (i > 0) w.clock.set(w.clock.now + MIN)
    await w.send([heard(w, 4)])
    w.timers.tickGaps()
  }
}

const gapsOf = (w: World) =>
  (w.of('gap.opened', 'W1').concat(w.of('gap.closed', 'W1')) as unknown as GapEvent[]).map((e) => [
    e.type,
    e.gap.startedAt,
    e.gap.endedAt,
  ])

describe('silence is measured from the last receipt, not from the device clock', () => {
  let w: World
  beforeEach(async () => {
    w = world()
    w.sensor('B1', 'box_sensor', 'BOX-1')
    w.order('W1')
    w.clock.set('10:00')
    await w.send([{ ...scan('W1', 'pickup', '08:00', 'BOX-1'), receivedAt: w.clock.now }])
  })
  afterEach(() => w.close())

  it('raises no data gap over hours of ticks for a box whose clock runs two hours behind', async () => {
    await publish(w, 180)
    expect(w.events.filter((e) => e.type.startsWith('gap.'))).toEqual([])
    expect(w.runtime.alerts.list({ waybill: 'W1', limit: 5 })).toEqual([])
  })

  it('raises the gap after the maximum gap of silence, starting at its last device timestamp', async () => {
    await publish(w, 60) // the last reading: stamped 08:59, received 10:59
    w.clock.set('11:29') // chilled: 30 min
    w.timers.tickGaps()
    expect(gapsOf(w)).toEqual([])
    w.clock.set('11:30')
    w.timers.tickGaps()
    w.clock.set('11:45')
    w.timers.tickGaps()
    expect(gapsOf(w)).toEqual([['gap.opened', at('08:59'), null]])
    // Back at 12:00, stamped 10:00: the gap ends at its device time.
    w.clock.set('12:00')
    await publish(w, 3)
    expect(gapsOf(w)).toEqual([
      ['gap.opened', at('08:59'), null],
      ['gap.closed', at('08:59'), at('10:00')],
    ])
    const [alert] = w.runtime.alerts.list({ waybill: 'W1', limit: 5 })
    expect(alert).toMatchObject({ kind: 'data_gap', state: 'cleared_unack', conditionEndedAt: at('10:00') })
  })

  it('still reports the gap when the gateway restarts in the middle of the silence', async () => {
    await publish(w, 60)
    w.clock.set('11:15')
    w.timers.tickGaps()
    w.restart()
    w.clock.set('11:20')
    w.timers.tickGaps()
    expect(gapsOf(w)).toEqual([])
    w.clock.set('11:30')
    w.timers.tickGaps()
    w.restart()
    w.clock.set('11:40')
    w.timers.tickGaps()
    expect(gapsOf(w)).toEqual([['gap.opened', at('08:59'), null]])
    expect(w.runtime.alerts.list({ waybill: 'W1', limit: 5 }).map((a) => a.kind)).toEqual(['data_gap'])
  })

  it('measures a parcel not heard from yet from the receipt of its pickup', async () => {
    w.clock.set('10:30')
    w.timers.tickGaps()
    expect(gapsOf(w)).toEqual([])
    w.clock.set('10:31')
    w.timers.tickGaps()
    expect(gapsOf(w)).toEqual([['gap.opened', at('08:00'), null]])
  })

  it('opens no new gap when the box comes back with its clock set back after a reported silence', async () => {
    await publish(w, 60)
    w.clock.set('12:00')
    w.timers.tickGaps() // the gateway told the engine 10:00 on the box's clock: silent since 08:59
    // 12:10: the box is back, its clock now three hours behind (stamped 09:10), and publishes again.
    w.clock.set('12:10')
    for (let i = 0; i < 5; i++) {
      await w.send([{ ...heard(w, 4), ts: w.clock.now - 180 * MIN }])
      w.timers.tickGaps()
      w.clock.set(w.clock.now + MIN)
    }
    // On its own clock the silence was 11 minutes: the gap reported is withdrawn, none follows.
    expect(w.of('gap.opened', 'W1')).toHaveLength(1)
    expect(w.of('gap.withdrawn', 'W1')).toHaveLength(1)
    expect(gapsOf(w)).toEqual([['gap.opened', at('08:59'), null]])
  })
})
