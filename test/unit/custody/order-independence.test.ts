import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CustodyStore } from '../../../src/custody/intervals.js'
import { CustodyService } from '../../../src/custody/service.js'
import { containerIntervals } from '../../../src/custody/timeline.js'
import type { ScanEvent, ScanRecord } from '../../../src/model.js'
import { scanEvents } from '../../../src/model.js'
import { OrderService } from '../../../src/orders/service.js'
import type { Database } from '../../../src/store/database.js'
import { fixedClock, memoryDb, order } from '../orders/fixtures.js'
import { sensor } from './fixtures.js'

const WAYBILLS = ['W1', 'W2', 'W3']
const CONTAINERS = ['B1', 'B2', 'T1', 'T2', 'V1']
const MINUTE = 60_000
const T0 = Date.parse('2026-01-01T08:00:00Z')

/** Scans over 3 waybills and 5 containers within 12 minutes, so that equal device times are common. */
const scansArb = fc
  .array(
    fc.record({
      waybill: fc.constantFrom(...WAYBILLS),
      event: fc.constantFrom<ScanEvent>(...scanEvents),
      container: fc.option(fc.constantFrom(...CONTAINERS), { nil: null }),
      minute: fc.integer({ min: 0, max: 12 }),
      device: fc.constantFrom('d1', 'd2'),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((drafts) =>
    drafts.map(
      (d, i): ScanRecord => ({
        deviceId: d.device,
        seq: i + 1,
        ts: T0 + d.minute * MINUTE,
        receivedAt: T0 + 3_600_000,
        waybill: d.waybill,
        event: d.event,
        container: d.container,
        locationName: null,
        lat: null,
        lon: null,
        operator: null,
        note: null,
      }),
    ),
  )

/** A database with two orders (W1, W2; W3 stays unknown) and sensors in B1 and T1, opened once. */
function prepared(): Database {
  const db = memoryDb()
  const orders = new OrderService(db, { clock: fixedClock() })
  orders.create(order({ platformOrderId: 'P1', waybillNo: 'W1' }))
  orders.create(order({ platformOrderId: 'P2', waybillNo: 'W2' }))
  sensor(db, 'S-B1', 'box_sensor', 'B1')
  sensor(db, 'S-T1', 'truck_sensor', 'T1')
  return db
}

/** Forgets every scan, so that one database serves every run. */
function reset(db: Database): void {
  db.exec(`DELETE FROM tracking_nodes; DELETE FROM custody_intervals; DELETE FROM container_moves;
           UPDATE waybills SET status = 'created', picked_up_at = NULL, delivered_at = NULL;
           UPDATE custody_state SET generation = generation + 1;`)
}

/** Everything custody derived from the scans, except what depends on arrival by definition (the late flag). */
function outcome(db: Database, scans: readonly ScanRecord[]) {
  reset(db)
  const custody = new CustodyService(db)
  for (const s of scans) custody.recordScan(s)
  const rows = (sql: string) => db.prepare(sql).all()
  const probes = Array.from({ length: 14 }, (_, m) => T0 + m * MINUTE - 1).flatMap((t) => [t, t + 1])
  const store = new CustodyStore(db)
  // The in-memory index must agree with plain SQL at every probed instant. Contradictory scans at one instant can
  // put two boxes in each other: a path stops at the first container it meets again, as the index's does.
  for (const ts of probes) {
    for (const w of WAYBILLS) {
      const fromSql: string[] = []
      for (
        let p = store.parentAt('waybill', w, ts);
        p !== null && fromSql.length < 4 && !fromSql.includes(p);
        p = store.parentAt('container', p, ts)
      ) {
        fromSql.push(p)
      }
      expect(custody.exposure.pathAt(w, ts)).toEqual(fromSql)
    }
  }
  // Containers are recomputed from the first changed move only; that must equal a recomputation from scratch.
  for (const c of CONTAINERS) {
    const full = containerIntervals(c, store.movesFrom(c, Number.MIN_SAFE_INTEGER), null)
    expect(store.intervalsOf('container', c)).toEqual(full)
  }
  return {
    intervals: rows(
      `SELECT child_kind, child_id, parent, from_ts, to_ts, opened_by_device, opened_by_seq FROM custody_intervals
        ORDER BY child_kind, child_id, from_ts`,
    ),
    moves: rows('SELECT * FROM container_moves ORDER BY device_id, seq'),
    nodes: rows(
      'SELECT device_id, seq, status, contradiction, unknown_waybill FROM tracking_nodes ORDER BY device_id, seq',
    ),
    waybills: rows('SELECT no, status, picked_up_at, delivered_at FROM waybills ORDER BY no'),
    exposure: probes.map((ts) => ({
      sources: WAYBILLS.map((w) => custody.exposure.sensorForWaybillAt(w, ts)),
      truck: custody.exposure.waybillsForReading('S-T1', ts),
      box: custody.exposure.waybillsForReading('S-B1', ts),
      inV1: custody.exposure.waybillsInContainerAt('V1', ts),
    })),
  }
}

describe('custody does not depend on the order scans arrive in', () => {
  it('gives the same intervals, flags, statuses and exposure for any arrival order', {
    timeout: 180_000,
  }, () => {
    const first = prepared()
    const second = prepared()
    fc.assert(
      fc.property(
        scansArb.chain((scans) =>
          fc.tuple(
            fc.constant(scans),
            fc.shuffledSubarray(scans, { minLength: scans.length, maxLength: scans.length }),
          ),
        ),
        ([inOrder, shuffled]) => {
          // Sorted by device time is how the scans happened; the shuffle is how they might arrive.
          const sorted = [...inOrder].sort((a, b) => a.ts - b.ts)
          expect(outcome(first, shuffled)).toEqual(outcome(second, sorted))
        },
      ),
      { numRuns: 300 },
    )
    first.close()
    second.close()
  })
})
