/**
 * One device of the fleet: its sequence numbers, its (possibly skewed) clock, its connectivity and its buffer.
 * While it has signal it publishes each message at QoS 1 as it happens; while it has none it buffers, and on
 * reconnect uploads the buffered readings as `{ readings: [...] }` batches with their original timestamps
 * (ARCHITECTURE.md, device contract). A message that was not acknowledged goes back to the front of the buffer and is
 * published again with the same seq, which the gateway de-duplicates.
 */
import type { Link, LinkFactory } from './link.js'
import type { DeviceSpec, ScanEvent } from './plan.js'
import type { SentLog } from './sent-log.js'

const HOUR = 3_600_000

/** A measurement handed to a sensor device. */
export interface Measurement {
  trueAt: number
  tempC: number
  rh: number | null
  doorOpen: boolean | null
}

/** A hand-over handed to a scanner device. */
export interface ScanInput {
  trueAt: number
  waybill: string
  event: ScanEvent
  container: string | null
  site: { id: string; name: string; lat: number; lon: number } | null
  note?: string
}

type Outgoing =
  | { kind: 'reading'; m: Measurement; seq: number; payload: Record<string, unknown>; attempts: number }
  | { kind: 'scan'; s: ScanInput; seq: number; payload: Record<string, unknown>; attempts: number }

/** Device settings shared by the fleet. */
export interface DeviceOptions {
  startMs: number
  maxBatch: number
  /** Wall clock, for ack times. */
  wallNow?: () => number
}

export class SimDevice {
  private seq = 0
  private hasSignal = true
  private keepBuffer = true
  private readonly queue: Outgoing[] = []
  private readonly link: Link
  private readonly wallNow: () => number

  constructor(
    readonly spec: DeviceSpec,
    secret: string,
    links: LinkFactory,
    private readonly log: SentLog,
    private readonly o: DeviceOptions,
  ) {
    this.link = links(spec.id, secret)
    this.wallNow = o.wallNow ?? Date.now
  }

  get online(): boolean {
    return this.hasSignal && this.link.connected
  }

  get buffered(): number {
    return this.queue.length
  }

  /** The device's own clock reading for true time `trueMs`, in its timestamp format. */
  stamp(trueMs: number): number | string {
    const ms = trueMs + this.spec.clockSkewMs
    return this.spec.tsFormat === 'epoch' ? ms : new Date(ms).toISOString()
  }

  battery(trueMs: number): number {
    return Math.max(5, Math.round(this.spec.initialBatteryPct - (trueMs - this.o.startMs) / HOUR))
  }

  /** Connects (will = offline, retained), announces itself online and uploads what it buffered. */
  async connect(simNow: number): Promise<void> {
    const topic = `cc/${this.spec.id}/status`
    const will = JSON.stringify({ ts: this.stamp(simNow), online: false, fw: this.spec.fw })
    await this.link.open({ topic, payload: will })
    const status = {
      ts: this.stamp(simNow),
      online: true,
      fw: this.spec.fw,
      battery_pct: this.battery(simNow),
    }
    await this.link.publish(topic, JSON.stringify(status), 1, true)
    await this.flush(simNow)
  }

  /** Reconnects when it should be online and is not (a dropped session); a failure is retried next time. */
  async heal(simNow: number): Promise<void> {
    if (!this.hasSignal || this.link.connected) return
    await this.connect(simNow).catch(() => {
      this.log.failures++
    })
  }

  async measure(m: Measurement): Promise<void> {
    const seq = this.seq++
    const payload: Record<string, unknown> = { ts: this.stamp(m.trueAt), seq, temp_c: m.tempC }
    if (m.rh !== null) payload['rh'] = m.rh
    if (m.doorOpen !== null) payload['door_open'] = m.doorOpen
    payload['battery_pct'] = this.battery(m.trueAt)
    await this.send({ kind: 'reading', m, seq, payload, attempts: 0 }, m.trueAt)
  }

  async scan(s: ScanInput): Promise<void> {
    const seq = this.seq++
    const payload: Record<string, unknown> = {
      ts: this.stamp(s.trueAt),
      seq,
      waybill: s.waybill,
      event: s.event,
    }
    if (s.container) payload['container'] = s.container
    if (s.site) payload['location'] = { name: s.site.name, lat: s.site.lat, lon: s.site.lon }
    payload['operator'] = `courier-${this.spec.id.slice(-6)}`
    if (s.note) payload['note'] = s.note
    await this.send({ kind: 'scan', s, seq, payload, attempts: 0 }, s.trueAt)
  }

  /** Signal lost. With `keepBuffer` false the device will also lose what it buffers until it is back. */
  async goOffline(keepBuffer: boolean): Promise<void> {
    this.hasSignal = false
    this.keepBuffer = keepBuffer
    await this.link.drop()
  }

  async goOnline(simNow: number): Promise<void> {
    this.hasSignal = true
    if (!this.keepBuffer) this.discardReadings()
    this.keepBuffer = true
    await this.connect(simNow).catch(() => {
      this.log.failures++
    })
  }

  /** Uploads what is left and says goodbye: status offline (retained), then a clean DISCONNECT. */
  async stop(simNow: number): Promise<void> {
    if (!this.online) return
    await this.flush(simNow)
    const status = {
      ts: this.stamp(simNow),
      online: false,
      fw: this.spec.fw,
      battery_pct: this.battery(simNow),
    }
    await this.link.publish(`cc/${this.spec.id}/status`, JSON.stringify(status), 1, true).catch(() => {})
    await this.link.close()
  }

  private async send(item: Outgoing, simNow: number): Promise<void> {
    if (!this.online || this.queue.length > 0) {
      this.requeue([item])
      if (this.online) await this.flush(simNow)
      return
    }
    if (!(await this.publishItems([item], simNow, false))) this.requeue([item])
  }

  /** Puts items back in seq order (seq follows creation, so the buffer stays in the order things happened). */
  private requeue(items: Outgoing[]): void {
    this.queue.push(...items)
    this.queue.sort((a, b) => a.seq - b.seq)
  }

  /** Publishes the buffer: consecutive readings as batches of at most `maxBatch`, scans one by one. */
  private async flush(simNow: number): Promise<void> {
    const groups: Outgoing[][] = []
    for (const item of this.queue.splice(0)) {
      const last = groups.at(-1)
      if (item.kind === 'reading' && last?.[0]?.kind === 'reading' && last.length < this.o.maxBatch)
        last.push(item)
      else groups.push([item])
    }
    await Promise.all(
      groups.map(async (g) => {
        if (!(await this.publishItems(g, simNow, g[0]?.kind === 'reading'))) this.requeue(g)
      }),
    )
  }

  /** Publishes one message (a reading, a batch of readings or a scan). False when it was not acknowledged. */
  private async publishItems(items: Outgoing[], simNow: number, asBatch: boolean): Promise<boolean> {
    const first = items[0]
    if (!first) return true
    const kind = first.kind === 'scan' ? 'scan' : 'telemetry'
    const body = asBatch ? { readings: items.map((i) => i.payload) } : first.payload
    if (items.some((i) => i.attempts++ > 0)) this.log.resends++
    try {
      await this.link.publish(`cc/${this.spec.id}/${kind}`, JSON.stringify(body), 1)
    } catch {
      this.log.failures++
      return false
    }
    this.record(items, simNow, asBatch)
    return true
  }

  private record(items: Outgoing[], simNow: number, backfilled: boolean): void {
    const ackedAtWall = this.wallNow()
    this.log.messages++
    for (const i of items) {
      const ts = i.payload['ts'] as number | string
      const tsMs = typeof ts === 'number' ? ts : Date.parse(ts)
      if (i.kind === 'reading') {
        const { trueAt, tempC, rh, doorOpen } = i.m
        this.log.readings.push({
          deviceId: this.spec.id,
          seq: i.seq,
          ts: tsMs,
          tempC,
          rh,
          doorOpen,
          trueAt,
          sentAt: simNow,
          ackedAtWall,
          backfilled,
        })
      } else {
        const { trueAt, waybill, event, container, site } = i.s
        this.log.scans.push({
          deviceId: this.spec.id,
          seq: i.seq,
          ts: tsMs,
          waybill,
          event,
          container,
          site: site?.id ?? null,
          trueAt,
          sentAt: simNow,
          ackedAtWall,
        })
      }
    }
  }

  private discardReadings(): void {
    const kept = this.queue.filter((i) => i.kind === 'scan')
    for (const i of this.queue) {
      if (i.kind === 'reading') {
        const ts = i.payload['ts'] as number | string
        this.log.lost.push({
          deviceId: this.spec.id,
          seq: i.seq,
          ts: typeof ts === 'number' ? ts : Date.parse(ts),
          trueAt: i.m.trueAt,
        })
      }
    }
    this.queue.splice(0, this.queue.length, ...kept)
  }
}
