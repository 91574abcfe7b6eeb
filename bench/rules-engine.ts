/**
 * Micro-benchmark of the excursion engine (src/rules), in-process, no I/O:
 *   node --import tsx bench/rules-engine.ts [waybills=10000] [historyReadings=288] [chunkSize=default]
 * (add --expose-gc after `node` to report the retained heap)
 * Each waybill first gets `historyReadings` readings 5 min apart (288 = one day, a full default window), then:
 * - in-order: one reading per call, round-robin over all waybills (the ingest hot path);
 * - skewed: a reading 1–3 readings behind the newest (device clock skew, QoS 1 re-delivery);
 * - back-fill: a 2 h offline upload of 24 readings, newest first, after the gap was reported by `tick`;
 * - deep late: one reading 20 h behind the newest (re-sweeps most of the window);
 * and the JSON size of a state with a full window.
 */
import { constants, type PerformanceEntry, PerformanceObserver, performance } from 'node:perf_hooks'
import {
  createState,
  defaultProfiles,
  type EngineParams,
  type ExcursionState,
  processReading,
  processReadings,
  type RuleReading,
  tick,
} from '../src/rules/index.js'

const WAYBILLS = Number(process.argv[2] ?? 10_000)
const HISTORY = Number(process.argv[3] ?? 288)
const STEP = 5 * 60_000
const T0 = Date.parse('2026-01-01T00:00Z')
const params: EngineParams = {
  profile: defaultProfiles.chilled,
  window: process.argv[4] ? { chunkSize: Number(process.argv[4]) } : undefined,
}

let seed = 42
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
  return seed / 2_147_483_648
}

/** A chilled load around 4 °C; one waybill in 50 has a warm spell at any time (excursions exercise events). */
function valueAt(w: number, i: number): number {
  const warm = (w + Math.floor(i / 24)) % 50 === 0 && i % 24 > 4 && i % 24 < 16
  return (warm ? 9.5 : 4) + (random() - 0.5)
}

function readingOf(w: number, i: number): RuleReading {
  return { ts: T0 + i * STEP, tempC: valueAt(w, i), rh: null, quality: 'ok' }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
}

/** Stop-the-world GC pauses during a phase: scavenges (young) and mark-compacts (old). */
const gcPauses = { minor: [] as number[], major: [] as number[] }
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gcPauses.major.push(e.duration)
    else gcPauses.minor.push(e.duration)
  }
}).observe({ entryTypes: ['gc'] })

function gcSummary(): string {
  const fmt = (xs: number[]) => {
    const sorted = Float64Array.from(xs).sort()
    return `${xs.length} (p50 ${percentile(sorted, 0.5).toFixed(1)} ms, max ${Math.max(0, ...xs).toFixed(1)} ms)`
  }
  const out = `gc: scavenge ${fmt(gcPauses.minor)}, mark-compact ${fmt(gcPauses.major)}`
  gcPauses.minor = []
  gcPauses.major = []
  return out
}

/** GC entries are delivered on the event loop: let it turn before reading them. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

async function measure(label: string, calls: number, run: (k: number) => number): Promise<void> {
  await settle()
  gcSummary()
  const lat = new Float64Array(calls)
  let events = 0
  const cpu0 = process.cpuUsage()
  const start = performance.now()
  for (let k = 0; k < calls; k++) {
    const t = performance.now()
    events += run(k)
    lat[k] = performance.now() - t
  }
  const total = performance.now() - start
  const cpu = process.cpuUsage(cpu0)
  const cpuPerCall = (cpu.user + cpu.system) / calls
  lat.sort()
  const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`
  const rate = Math.round((calls / total) * 1000)
  console.log(
    [
      label.padEnd(36),
      `${calls} calls`.padStart(13),
      `${rate} calls/s`.padStart(16),
      `cpu ${cpuPerCall.toFixed(1)} µs/call`.padStart(20),
      `p50 ${us(percentile(lat, 0.5))}`.padStart(14),
      `p99 ${us(percentile(lat, 0.99))}`.padStart(16),
      `max ${us(lat[lat.length - 1] ?? 0)}`.padStart(18),
      `events ${events}`,
    ].join(' '),
  )
  await settle()
  console.log(`${''.padEnd(36)} ${gcSummary()}`)
}

const states: ExcursionState[] = []
const warmStart = performance.now()
for (let w = 0; w < WAYBILLS; w++) {
  let s = createState(`WB${w}`)
  for (let i = 0; i < HISTORY; i++) s = processReading(s, readingOf(w, i), params).state
  states.push(s)
}
const warmMs = performance.now() - warmStart
console.log(
  `warm-up: ${WAYBILLS} waybills × ${HISTORY} readings in ${(warmMs / 1000).toFixed(1)} s (${Math.round((WAYBILLS * HISTORY) / (warmMs / 1000))} readings/s)`,
)
// Run with --expose-gc for the retained heap rather than heap including garbage.
;(globalThis as { gc?: () => void }).gc?.()
const heapMb = process.memoryUsage().heapUsed / 1e6
console.log(
  `heap: ${heapMb.toFixed(0)} MB, state JSON: ${JSON.stringify(states[1]).length} bytes (waybill with ${HISTORY} readings)`,
)

const next = new Array<number>(WAYBILLS).fill(HISTORY)

await measure('in-order, 1 reading per call', WAYBILLS * 10, (k) => {
  const w = k % WAYBILLS
  const i = next[w]!++
  const r = processReading(states[w]!, readingOf(w, i), params)
  states[w] = r.state
  return r.events.length
})

// Skew: send the newest two readings first, then the one that belongs before them.
await measure('skewed, 1–3 readings behind', WAYBILLS, (k) => {
  const w = k % WAYBILLS
  const i = next[w]!
  let s = processReadings(states[w]!, [readingOf(w, i + 1), readingOf(w, i + 2)], params).state
  const behind = processReading(s, readingOf(w, i), params)
  s = behind.state
  states[w] = s
  next[w] = i + 3
  return behind.events.length
})

// Offline: the gateway ticks past the maximum gap, then the box uploads 2 h newest first.
const offline = Math.min(WAYBILLS, 2000)
for (let w = 0; w < offline; w++) {
  const lastTs = T0 + (next[w]! - 1) * STEP
  states[w] = tick(states[w]!, lastTs + 2 * 3_600_000, params).state
}
await measure('back-fill, 24 readings newest first', offline, (w) => {
  const batch = Array.from({ length: 24 }, (_, j) => readingOf(w, next[w]! + 23 - j))
  next[w]! += 24
  const r = processReadings(states[w]!, batch, params)
  states[w] = r.state
  return r.events.length
})

await measure('deep late, 20 h behind', offline, (w) => {
  const i = next[w]! - 240
  const r = processReading(states[w]!, { ...readingOf(w, i), ts: T0 + i * STEP + 60_000 }, params)
  states[w] = r.state
  return r.events.length
})
