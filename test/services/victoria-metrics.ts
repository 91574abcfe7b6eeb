/**
 * VictoriaMetrics as the local InfluxDB-compatible server: `-httpListenAddr` on a free loopback port,
 * `-storageDataPath` in a temporary directory. Flags that make it behave like InfluxDB for our tests:
 * - `-dedup.minScrapeInterval=1ms`: one value per series and millisecond, as InfluxDB overwrites the same series
 *   and timestamp (without it a replayed point would be stored twice);
 * - `-retentionPeriod=100y`: test data at any device time is kept (the default is one month).
 * Its InfluxDB mapping: metric `{measurement}_{field}`, labels = tags; org/bucket/token are accepted and ignored.
 */
import type { InfluxSample, InfluxServer } from './influx.js'
import {
  findBinary,
  httpOk,
  LOOPBACK,
  LocalProcess,
  removeDir,
  startOnFreePort,
  tempDir,
  unavailable,
} from './service.js'

export async function startVictoriaMetrics(): Promise<InfluxServer> {
  const binary = findBinary('victoria-metrics')
  if (!binary)
    throw unavailable('VictoriaMetrics (InfluxDB-compatible server)', 'apt-get install victoria-metrics')
  const dataDir = tempDir('vm')
  const make = (port: number) =>
    new LocalProcess(
      'victoria-metrics',
      binary,
      [
        `-httpListenAddr=${LOOPBACK}:${port}`,
        `-storageDataPath=${dataDir}`,
        '-retentionPeriod=100y',
        '-dedup.minScrapeInterval=1ms',
        '-loggerLevel=ERROR',
        '-search.latencyOffset=0s',
      ],
      () => httpOk(`http://${LOOPBACK}:${port}/health`),
    )
  const { port, proc } = await startOnFreePort(make, dataDir)
  let current: LocalProcess = proc
  const base = `http://${LOOPBACK}:${port}`
  return {
    kind: 'victoria-metrics',
    host: LOOPBACK,
    port,
    url: base,
    writeUrl: `${base}/api/v2/write`,
    org: 'coldchain',
    bucket: 'telemetry',
    token: 'unused-by-victoria-metrics',
    keepsStrings: false,
    samples: (measurement) => exportSamples(base, measurement),
    halt: () => current.stop(),
    resume: async () => {
      current = make(port)
      await current.start()
    },
    stop: async () => {
      await current.stop()
      removeDir(dataDir)
    },
  }
}

interface ExportLine {
  metric: Record<string, string>
  values: Array<number | null>
  timestamps: number[]
}

/** Reads raw samples with `/api/v1/export` after forcing buffered rows to storage (they are visible then). */
async function exportSamples(base: string, measurement: string): Promise<InfluxSample[]> {
  await fetch(`${base}/internal/force_flush`, { signal: AbortSignal.timeout(5_000) }).then((r) =>
    r.arrayBuffer(),
  )
  const prefix = `${measurement}_`
  const match = encodeURIComponent(`{__name__=~"${measurement}_.+"}`)
  const res = await fetch(`${base}/api/v1/export?match[]=${match}`, { signal: AbortSignal.timeout(10_000) })
  if (!res.ok) throw new Error(`export failed: ${res.status} ${await res.text()}`)
  const body = await res.text()
  const out: InfluxSample[] = []
  for (const line of body.split('\n')) {
    if (!line.trim()) continue
    const series = JSON.parse(line) as ExportLine
    const { __name__: name = '', ...tags } = series.metric
    const field = name.slice(prefix.length)
    series.timestamps.forEach((time, i) => {
      const value = series.values[i]
      if (value !== null && value !== undefined) out.push({ measurement, field, tags, time, value })
    })
  }
  return out
}
