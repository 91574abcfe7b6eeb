import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { at, MIN, scan, type World, world } from './fixtures.js'

const HOUR = 60 * MIN

describe('the stall sweep', () => {
  let w: World
  beforeEach(async () => {
    w = world()
    w.sensor('B1', 'box_sensor', 'BOX-1')
    w.order('W1') // next_day: 8 h
    // The scanner runs two hours behind the gateway: its 08:00 pickup reaches the gateway at 10:00.
    w.clock.set('10:00')
    await w.send([{ ...scan('W1', 'pickup', '08:00', 'BOX-1'), receivedAt: w.clock.now }])
  })
  afterEach(() => w.close())

  it('measures the time without a node from when the last node was received, not by the scanner’s clock', () => {
    w.clock.set('17:59')
    w.timers.sweepStalls()
    expect(w.of('transit.stalled')).toEqual([])
    w.clock.set('18:01')
    w.timers.sweepStalls()
    expect(w.of('transit.stalled', 'W1')).toEqual([
      expect.objectContaining({ lastNodeAt: at('08:00'), lastEvent: 'pickup', dueAt: at('16:00') }),
    ])
  })

  it('is ended by the next node, and measures the next stall from when that node was received', async () => {
    w.clock.set('18:01')
    w.timers.sweepStalls()
    w.clock.set('18:30')
    await w.send([{ ...scan('W1', 'load', '16:30', 'BOX-1'), receivedAt: w.clock.now }])
    expect(w.of('transit.resumed', 'W1')).toEqual([expect.objectContaining({ nodeAt: at('16:30') })])
    w.clock.set(at('18:30') + 8 * HOUR)
    w.timers.sweepStalls()
    expect(w.of('transit.stalled', 'W1')).toHaveLength(1)
    w.clock.set(at('18:30') + 8 * HOUR + MIN)
    w.timers.sweepStalls()
    expect(w.of('transit.stalled', 'W1').at(-1)).toMatchObject({
      lastNodeAt: at('16:30'),
      dueAt: at('16:30') + 8 * HOUR,
    })
  })
})
