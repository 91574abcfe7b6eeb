/**
 * What the InfluxDB sink benchmark reads inside a gateway whose sink is on, all on this process's clock
 * (performance.now), as step series of [time, value]:
 * - readings committed (running total), fed by the server's commit hook;
 * - reading points acknowledged by the server (running total), seen by wrapping the sink's
 *   `cc_influx_points_written_total` counter (a benchmark's hook, not an API);
 * - the sink's own gauges `cc_influx_lag_rows` and `cc_influx_lag_seconds` of the reading stream, sampled every
 *   `everyMs` (a gauge holds what the sink measured at its last pass, as `/metrics` would show it);
 * and on request the points the stored readings make: one per device, quality and device time, as InfluxDB keeps
 * one point per series and timestamp (docs/influx-schema.md).
 */
import BetterSqlite3 from 'better-sqlite3'
import type { Metrics } from '../../src/metrics.js'

type Inc = (labels: { stream: string }, value: number) => void
type Gauge = Metrics['influxLagRows']

export interface SinkReport {
  commits: [number, number][]
  acks: [number, number][]
  /** [time, lag rows, lag seconds] of the reading stream. */
  gauges: [number, number, number][]
  failures: number
}

export class SinkProbe {
  private readonly commits: [number, number][] = []
  private readonly acks: [number, number][] = []
  private readonly gauges: [number, number, number][] = []
  private stored = 0
  private points = 0
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly metrics: Metrics,
    private readonly storePath: string,
    private readonly everyMs: number,
  ) {
    const written = metrics.influxPointsWritten
    const inc = written.inc.bind(written) as Inc
    const counted: Inc = (labels, value) => {
      if (labels.stream === 'reading') {
        this.points += value
        this.acks.push([performance.now(), this.points])
      }
      inc(labels, value)
    }
    written.inc = counted as typeof written.inc
  }

  start(): void {
    const reading = async (gauge: Gauge) =>
      (await gauge.get()).values.find((v) => v.labels.stream === 'reading')?.value ?? 0
    const sample = async () => {
      const rows = await reading(this.metrics.influxLagRows)
      const seconds = await reading(this.metrics.influxLagSeconds)
      this.gauges.push([performance.now(), rows, seconds])
      if (this.timer) this.timer = setTimeout(sample, this.everyMs)
    }
    this.timer = setTimeout(sample, this.everyMs)
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  committed(readings: number, at: number): void {
    this.stored += readings
    this.commits.push([at, this.stored])
  }

  /** Reading points acknowledged so far (cheap enough to poll). */
  get written(): number {
    return this.points
  }

  async report(): Promise<SinkReport> {
    const failures = (await this.metrics.influxFailures.get()).values[0]?.value ?? 0
    return { commits: this.commits, acks: this.acks, gauges: this.gauges, failures }
  }

  /** `device|quality|ts` of every point the stored readings make, read from the store on its own connection. */
  expectedPoints(): string[] {
    const db = new BetterSqlite3(this.storePath, { readonly: true })
    try {
      return db
        .prepare<[], { key: string }>(
          `SELECT DISTINCT device_id || '|' || quality || '|' || ts AS key FROM readings`,
        )
        .all()
        .map((r) => r.key)
    } finally {
      db.close()
    }
  }
}
