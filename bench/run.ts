/**
 * `npm run bench` — the ingest benchmark. In one run and one process tree it measures bare aedes (in-memory,
 * default hooks) and this gateway (authenticated, decoded, validated, group-committed to SQLite with
 * synchronous=FULL) at QoS 0 and QoS 1 with the same load generator, alternating targets round by round so
 * machine noise hits both alike, and prints readings/s for each and the gateway/aedes ratio (medians).
 *
 * Options (env): BENCH_DEVICES (1000), BENCH_MESSAGES per device per run (40), BENCH_WINDOW in-flight per
 * device at QoS 1 (10), BENCH_ROUNDS (3), BENCH_OUT (write the results as JSON to this file), BENCH_SERVER_FLAGS
 * (Node/V8 flags of the gateway process), BENCH_CONFIG (gateway config sections as JSON).
 */
import { writeFileSync } from 'node:fs'
import { type IngestRun, ingestLoad, measure, median } from './harness.js'

type Target = 'aedes' | 'gateway'

const { devices, perDevice, window, rounds } = ingestLoad
const servers: Record<Target, string> = { aedes: 'servers/bare-aedes.ts', gateway: 'servers/gateway.ts' }

const results: Record<string, IngestRun[]> = {}
for (let round = 1; round <= rounds; round++) {
  for (const qos of [0, 1] as const) {
    for (const target of (round % 2 ? ['aedes', 'gateway'] : ['gateway', 'aedes']) as Target[]) {
      const key = `${target} qos${qos}`
      const r = await measure(servers[target], qos)
      results[key] = [...(results[key] ?? []), r]
      console.log(
        `round ${round} ${key.padEnd(12)} ${Math.round(r.rate).toString().padStart(7)} readings/s  (${r.received}/${r.sent} received, connect ${Math.round(r.connectMs)} ms)`,
      )
    }
  }
}

const summary = Object.fromEntries(
  Object.entries(results).map(([k, rs]) => [k, Math.round(median(rs.map((r) => r.rate)))]),
)
const ratio = (qos: 0 | 1) => (summary[`gateway qos${qos}`] ?? 0) / (summary[`aedes qos${qos}`] || 1)
console.log(
  `\n${devices} devices × ${perDevice} readings of ~200 bytes per run, QoS 1 window ${window}, ${rounds} rounds (medians):`,
)
for (const [k, v] of Object.entries(summary)) console.log(`  ${k.padEnd(12)} ${v} readings/s`)
console.log(
  `  ratio gateway/aedes  QoS 0: ${(ratio(0) * 100).toFixed(1)} %   QoS 1: ${(ratio(1) * 100).toFixed(1)} %`,
)
if (process.env.BENCH_OUT) {
  writeFileSync(
    process.env.BENCH_OUT,
    JSON.stringify(
      { devices, perDevice, window, rounds, results, summary, ratio: { qos0: ratio(0), qos1: ratio(1) } },
      null,
      2,
    ),
  )
}
