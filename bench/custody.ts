/**
 * Custody micro-benchmark: `node --import tsx bench/custody.ts`.
 *
 * Builds 10,000 active waybills, 10 per insulated box (1,000 boxes, half with their own sensor), 10 boxes per
 * truck (100 reefer trucks, each with a sensor), after a hub transfer (so every box has a closed interval on
 * a first truck and an open one on a second). Then measures, per call, the queries the reading hot path makes:
 * a reading at about "now" (answered from the in-memory index) and a back-filled one from before the transfer
 * (answered from SQL), plus scan recording and the index rebuild at start.
 *
 * Options (env): BENCH_WAYBILLS (10000), BENCH_READINGS (20000), BENCH_LATE_SHARE (0.05).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { loadConfig } from '../src/config.js'
import { CustodyService } from '../src/custody/service.js'
import type { ScanEvent, ScanRecord } from '../src/model.js'
import { openDatabase } from '../src/store/database.js'
import { DeviceRepository } from '../src/store/devices.js'

const WAYBILLS = Number(process.env.BENCH_WAYBILLS ?? 10_000)
const READINGS = Number(process.env.BENCH_READINGS ?? 20_000)
const LATE_SHARE = Number(process.env.BENCH_LATE_SHARE ?? 0.05)
const PER_BOX = 10
const BOXES_PER_TRUCK = 10
const HOUR = 3_600_000
const T0 = Date.parse('2026-01-01T00:00:00Z')

const dir = mkdtempSync(join(tmpdir(), 'cc-bench-custody-'))
const config = loadConfig({}, { dataDir: dir, store: { file: 'bench.db', synchronous: 'normal' } })
const db = openDatabase(dir, config.store)
const devices = new DeviceRepository(db)
const boxes = Math.ceil(WAYBILLS / PER_BOX)
const trucks = Math.ceil(boxes / BOXES_PER_TRUCK)
const box = (w: number) => `BOX-${Math.floor(w / PER_BOX)}`
const truckOf = (b: number, leg: number) => `TRUCK-${leg}-${Math.floor(b / BOXES_PER_TRUCK)}`

for (let b = 0; b < boxes; b += 2)
  devices.create({ id: `S-BOX-${b}`, kind: 'box_sensor', container: `BOX-${b}`, secretHash: 'x' })
for (let t = 0; t < trucks; t++) {
  for (const leg of [1, 2]) {
    devices.create({
      id: `S-TRUCK-${leg}-${t}`,
      kind: 'truck_sensor',
      container: `TRUCK-${leg}-${t}`,
      secretHash: 'x',
    })
  }
}

let seq = 0
const scan = (w: number, event: ScanEvent, ts: number, container: string | null): ScanRecord => ({
  deviceId: 'scanner-1',
  seq: ++seq,
  ts,
  receivedAt: ts,
  waybill: `WB-${w}`,
  event,
  container,
  locationName: null,
  lat: null,
  lon: null,
  operator: null,
  note: null,
})

const custody = new CustodyService(db)
const scans: ScanRecord[] = []
for (let w = 0; w < WAYBILLS; w++) {
  const b = Math.floor(w / PER_BOX)
  scans.push(scan(w, 'pickup', T0 + w, box(w)))
  scans.push(scan(w, 'load', T0 + HOUR + w, truckOf(b, 1)))
  scans.push(scan(w, 'unload', T0 + 3 * HOUR + w, null))
  scans.push(scan(w, 'load', T0 + 4 * HOUR + w, truckOf(b, 2)))
}
let started = performance.now()
for (let i = 0; i < scans.length; i += 500) {
  const chunk = scans.slice(i, i + 500)
  db.transaction(() => {
    for (const s of chunk) custody.recordScan(s)
  })()
}
const scanMs = performance.now() - started

function percentiles(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  return { p50: at(0.5), p99: at(0.99), mean: samples.reduce((a, b) => a + b, 0) / samples.length }
}

function measure(name: string, n: number, call: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(n, 500); i++) call(i) // warm-up
  const samples: number[] = []
  const begin = performance.now()
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    call(i)
    samples.push((performance.now() - t) * 1000)
  }
  const total = performance.now() - begin
  const { p50, p99, mean } = percentiles(samples)
  const rate = Math.round((n / total) * 1000)
  console.log(
    `${name.padEnd(46)} p50 ${p50.toFixed(1).padStart(6)} µs  p99 ${p99.toFixed(1).padStart(6)} µs  mean ${mean.toFixed(1).padStart(6)} µs  ${String(rate).padStart(8)}/s`,
  )
}

const now = T0 + 5 * HOUR
const past = T0 + 2 * HOUR // on the first trucks: before the transfer, answered from SQL
const boxSensor = (i: number) => `S-BOX-${(i * 2) % boxes}`
const truckSensor = (i: number) => `S-TRUCK-2-${i % trucks}`
const truckSensorPast = (i: number) => `S-TRUCK-1-${i % trucks}`

console.log(
  `custody: ${WAYBILLS} waybills, ${boxes} boxes (${Math.ceil(boxes / 2)} with sensors), ${trucks * 2} trucks`,
)
console.log(
  `recordScan: ${scans.length} scans in ${scanMs.toFixed(0)} ms = ${Math.round((scans.length / scanMs) * 1000)} scans/s`,
)
started = performance.now()
custody.rebuildIndex()
console.log(
  `index rebuild: ${(performance.now() - started).toFixed(1)} ms for ${custody.openIntervals} open intervals`,
)
measure('waybillsForReading box sensor, now', READINGS, (i) =>
  custody.exposure.waybillsForReading(boxSensor(i), now),
)
measure('waybillsForReading truck sensor, now', READINGS, (i) =>
  custody.exposure.waybillsForReading(truckSensor(i), now),
)
measure('waybillsForReading box sensor, back-filled', READINGS, (i) =>
  custody.exposure.waybillsForReading(boxSensor(i), past),
)
measure('waybillsForReading truck sensor, back-filled', READINGS, (i) =>
  custody.exposure.waybillsForReading(truckSensorPast(i), past),
)
measure('sensorForWaybillAt, now', READINGS, (i) =>
  custody.exposure.sensorForWaybillAt(`WB-${i % WAYBILLS}`, now),
)
measure('sensorForWaybillAt, back-filled', READINGS, (i) =>
  custody.exposure.sensorForWaybillAt(`WB-${i % WAYBILLS}`, past),
)
// The mix the hot path sees: readings from box and truck sensors, a share of them back-filled.
const boxShare = boxes / 2 / (boxes / 2 + trucks)
measure(`mixed readings (${LATE_SHARE * 100}% back-filled)`, READINGS, (i) => {
  const late = (i * 7919) % 1000 < LATE_SHARE * 1000
  const fromBox = (i * 104729) % 1000 < boxShare * 1000
  const device = fromBox ? boxSensor(i) : late ? truckSensorPast(i) : truckSensor(i)
  return custody.exposure.waybillsForReading(device, late ? past : now)
})

db.close()
rmSync(dir, { recursive: true, force: true })
