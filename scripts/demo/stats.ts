/**
 * What the progress display and the summary show, read from the outside: the gateway's /metrics and alerts API
 * and the sandbox's record of the requests it received. The sandbox is read incrementally (only requests newer
 * than the last one counted), so a long demo costs the same every second.
 */
import type { PlatformName, Sandbox } from '../../simulator/sandbox/index.js'
import { byLabel, type GatewayClient, total } from './api.js'

/** One reading of the whole system. */
export interface Snapshot {
  /** Wall time of the reading (ms). */
  at: number
  /** MQTT clients connected (cc_mqtt_connected_clients). */
  connected: number
  /** Readings stored so far (cc_records_stored_total{kind="reading"}). */
  readings: number
  /** Readings per second since the previous snapshot. */
  readingsPerS: number
  scans: number
  deadLetters: number
  /** Alerts not resolved, by kind; null while the API does not answer. */
  alertsOpen: { total: number; byKind: Record<string, number> } | null
  /** Requests the sandbox accepted, per platform. */
  delivered: Partial<Record<PlatformName, number>>
  /** Requests the sandbox refused (bad signature, missing field...) or answered with an injected fault. */
  refused: number
  /** A waybill number some platform has heard of, for the example trail URL. */
  waybill: string | null
  /** The gateway answered this time. */
  reachable: boolean
}

export const emptySnapshot = (at: number): Snapshot => ({
  at,
  connected: 0,
  readings: 0,
  readingsPerS: 0,
  scans: 0,
  deadLetters: 0,
  alertsOpen: null,
  delivered: {},
  refused: 0,
  waybill: null,
  reachable: false,
})

export class StatsReader {
  private last: Snapshot
  private lastSeq = 0
  private readonly delivered: Partial<Record<PlatformName, number>> = {}
  private refused = 0
  private waybill: string | null = null
  /** Why the sandbox refused requests, not yet taken by `takeRefusals`. */
  private refusals: string[] = []

  constructor(
    private readonly api: GatewayClient,
    private readonly sandbox: Sandbox,
    private readonly now: () => number = Date.now,
  ) {
    this.last = emptySnapshot(now())
  }

  /** The latest snapshot read (the empty one before the first read). */
  get latest(): Snapshot {
    return this.last
  }

  async read(): Promise<Snapshot> {
    this.readSandbox()
    const at = this.now()
    const [metrics, alerts] = await Promise.all([
      this.api.metrics().catch(() => null),
      this.api.countAlerts('open').catch(() => null),
    ])
    const prev = this.last
    const readings = metrics ? total(metrics, 'cc_records_stored_total', { kind: 'reading' }) : prev.readings
    const seconds = (at - prev.at) / 1000
    this.last = {
      at,
      connected: metrics ? total(metrics, 'cc_mqtt_connected_clients') : prev.connected,
      readings,
      readingsPerS: seconds > 0 ? Math.max(0, readings - prev.readings) / seconds : 0,
      scans: metrics ? total(metrics, 'cc_records_stored_total', { kind: 'scan' }) : prev.scans,
      deadLetters: metrics ? total(metrics, 'cc_dead_letters_total') : prev.deadLetters,
      alertsOpen: alerts ?? prev.alertsOpen,
      delivered: { ...this.delivered },
      refused: this.refused,
      waybill: this.waybill,
      reachable: metrics !== null,
    }
    return this.last
  }

  /** Rows the gateway counts as delivered, per target (cc_writeback_delivered_total). */
  async gatewayDelivered(): Promise<Record<string, number>> {
    return byLabel(await this.api.metrics(), 'cc_writeback_delivered_total', 'target')
  }

  /** Reasons of the refusals seen since the last call. */
  takeRefusals(): string[] {
    const taken = this.refusals
    this.refusals = []
    return taken
  }

  /** The sandbox's counts now (it outlives the gateway by a moment at the end). */
  sandboxTotals(): { delivered: Snapshot['delivered']; refused: number } {
    this.readSandbox()
    return { delivered: { ...this.delivered }, refused: this.refused }
  }

  private readSandbox(): void {
    for (const r of this.sandbox.requests({ after: this.lastSeq })) {
      this.lastSeq = Math.max(this.lastSeq, r.seq)
      if (r.outcome === 'accepted') this.delivered[r.platform] = (this.delivered[r.platform] ?? 0) + 1
      else {
        this.refused++
        this.refusals.push(`${r.platform} ${r.status}: ${r.reason ?? r.outcome}`)
      }
      if (this.waybill === null && r.waybill) this.waybill = r.waybill
    }
  }
}
