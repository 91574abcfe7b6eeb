import { describe, expect, it } from 'vitest'
import { scanEvents } from '../../../src/model.js'
import { cainiaoAction, describeScan, kdniaoState, statusOfScan } from '../../../src/writeback/status-map.js'

describe('status map', () => {
  it('maps every scan event to its canonical status (cold-chain.md table)', () => {
    expect(Object.fromEntries(scanEvents.map((s) => [s, statusOfScan(s)]))).toEqual({
      pickup: 'picked_up',
      load: 'in_transit',
      unload: 'in_transit',
      hub_in: 'in_transit',
      hub_out: 'in_transit',
      out_for_delivery: 'out_for_delivery',
      delivered: 'delivered',
      exception: 'exception',
    })
  })

  it.each([
    [{ status: 'picked_up' }, '1', '1'],
    [{ status: 'in_transit' }, '2', '2'],
    [{ status: 'in_transit', arrivingDestinationCity: true }, '2', '201'],
    [{ status: 'out_for_delivery' }, '2', '202'],
    [{ status: 'delivered' }, '3', '3'],
    [{ status: 'exception' }, '4', '4'],
    [{ status: 'exception', exceptionReason: 'not_signed_in_time' }, '4', '402'],
    [{ status: 'exception', exceptionReason: 'not_updated_in_time' }, '4', '403'],
    [{ status: 'exception', exceptionReason: 'refused_or_returned' }, '4', '404'],
  ] as const)('gives Kdniao State/StateEx for %o', (node, state, stateEx) => {
    expect(kdniaoState(node)).toEqual({ State: state, StateEx: stateEx })
  })

  it('distinguishes arrival from departure for Cainiao actions', () => {
    expect(cainiaoAction({ status: 'in_transit' }, 'hub_in')).toBe('ARRIVE')
    expect(cainiaoAction({ status: 'in_transit' }, 'hub_out')).toBe('DEPARTURE')
    expect(cainiaoAction({ status: 'delivered' }, 'delivered')).toBe('SIGN')
  })

  it('describes a scan for buyers with its location', () => {
    expect(describeScan('pickup', '杭州市')).toBe('【杭州市】快件已揽收')
    expect(describeScan('delivered', null)).toBe('快件已签收')
  })
})
