import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CustodyService } from '../../../src/custody/service.js'
import type { Database } from '../../../src/store/database.js'
import { DeviceRepository } from '../../../src/store/devices.js'
import { memoryDb } from '../orders/fixtures.js'
import { at, scan, sensor } from './fixtures.js'

describe('exposure: which sensor a waybill takes its temperature from', () => {
  let db: Database
  let custody: CustodyService
  beforeEach(() => {
    db = memoryDb()
    custody = new CustodyService(db)
    sensor(db, 'S-BOX', 'box_sensor', 'BOX-S') // an insulated box with its own logger
    sensor(db, 'S-TRUCK', 'truck_sensor', 'TRUCK-1') // the reefer's sensor
    // W1 in a sensored box, W2 in a box without a sensor, W3 loose; all on TRUCK-1 from 09:00 to 12:00.
    for (const s of [
      scan('W1', 'pickup', '08:00', 'BOX-S'),
      scan('W2', 'pickup', '08:00', 'BOX-N'),
      scan('W3', 'pickup', '08:00'),
      scan('W1', 'load', '09:00', 'TRUCK-1'),
      scan('W2', 'load', '09:00', 'TRUCK-1'),
      scan('W3', 'load', '09:00', 'TRUCK-1'),
      scan('W1', 'unload', '12:00'),
      scan('W2', 'unload', '12:00'),
      scan('W3', 'unload', '12:00'),
    ]) {
      custody.recordScan(s)
    }
  })
  afterEach(() => db.close())

  it('prefers the box sensor over the truck sensor', () => {
    expect(custody.exposure.sensorForWaybillAt('W1', at('10:00'))).toEqual({
      container: 'BOX-S',
      devices: ['S-BOX'],
      path: ['BOX-S'],
    })
    expect(custody.exposure.waybillsForReading('S-BOX', at('10:00'))).toEqual(['W1'])
  })

  it('gives a box without a sensor on a truck the truck sensor', () => {
    expect(custody.exposure.sensorForWaybillAt('W2', at('10:00'))).toEqual({
      container: 'TRUCK-1',
      devices: ['S-TRUCK'],
      path: ['BOX-N', 'TRUCK-1'],
    })
    expect(custody.exposure.sensorForWaybillAt('W3', at('10:00'))?.container).toBe('TRUCK-1')
    expect(custody.exposure.waybillsForReading('S-TRUCK', at('10:00'))).toEqual(['W2', 'W3'])
  })

  it('finds the waybills in a container directly and inside boxes on it', () => {
    expect(custody.exposure.waybillsInContainerAt('TRUCK-1', at('10:00'))).toEqual(['W1', 'W2', 'W3'])
    expect(custody.exposure.waybillsInContainerAt('BOX-N', at('10:00'))).toEqual(['W2'])
    expect(custody.exposure.waybillsInContainerAt('TRUCK-1', at('08:30'))).toEqual([])
  })

  it('answers for past device times once the truck has been unloaded (back-filled readings)', () => {
    expect(custody.exposure.waybillsForReading('S-TRUCK', at('13:00'))).toEqual([])
    expect(custody.exposure.waybillsForReading('S-TRUCK', at('11:59'))).toEqual(['W2', 'W3'])
    expect(custody.exposure.sensorForWaybillAt('W2', at('13:00'))).toBeNull()
    expect(custody.exposure.sensorForWaybillAt('W1', at('13:00'))?.container).toBe('BOX-S')
  })

  it('has no source for a waybill with no sensored container around it', () => {
    expect(custody.exposure.sensorForWaybillAt('W3', at('08:30'))).toBeNull()
    expect(custody.exposure.waybillsForReading('S-UNKNOWN', at('10:00'))).toEqual([])
  })

  it('ignores a disabled sensor', () => {
    new DeviceRepository(db).update('S-BOX', { enabled: false })
    expect(custody.exposure.sensorForWaybillAt('W1', at('10:00'))?.container).toBe('TRUCK-1')
    expect(custody.exposure.waybillsForReading('S-TRUCK', at('10:00'))).toEqual(['W1', 'W2', 'W3'])
  })

  it('gives the same answers from a freshly rebuilt index as from the one kept in step', () => {
    const rebuilt = new CustodyService(db)
    for (const hhmm of ['08:30', '09:00', '10:00', '12:00', '13:00']) {
      for (const w of ['W1', 'W2', 'W3']) {
        expect(rebuilt.exposure.sensorForWaybillAt(w, at(hhmm))).toEqual(
          custody.exposure.sensorForWaybillAt(w, at(hhmm)),
        )
      }
      expect(rebuilt.exposure.waybillsForReading('S-TRUCK', at(hhmm))).toEqual(
        custody.exposure.waybillsForReading('S-TRUCK', at(hhmm)),
      )
    }
  })

  it('rebuilds its index when custody changed under it (a rolled-back write)', () => {
    const before = custody.exposure.waybillsForReading('S-TRUCK', at('13:30'))
    const savepoint = db.transaction(() => {
      custody.recordScan(scan('W3', 'load', '13:00', 'TRUCK-1'))
      expect(custody.exposure.waybillsForReading('S-TRUCK', at('13:30'))).toEqual(['W3'])
      throw new Error('roll back')
    })
    expect(() => savepoint()).toThrow('roll back')
    expect(custody.exposure.waybillsForReading('S-TRUCK', at('13:30'))).toEqual(before)
    expect(custody.openIntervals).toBe(2) // W1 in BOX-S and W2 in BOX-N
  })
})
