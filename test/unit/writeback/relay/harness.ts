/** A relay on a fake clock with a scripted platform, for the scheduling tests. */
import { AlertService } from '../../../../src/alerts/service.js'
import { type Config, loadConfig } from '../../../../src/config.js'
import { EventBus } from '../../../../src/events.js'
import { createLogger } from '../../../../src/log.js'
import { Metrics } from '../../../../src/metrics.js'
import { Relay } from '../../../../src/writeback/relay/relay.js'
import type { Transport } from '../../../../src/writeback/relay/transport.js'
import type { OutboundRequest, PlatformReply } from '../../../../src/writeback/types.js'
import { node } from '../fixtures.js'
import { T0, type World } from '../outbox/fixtures.js'
import { FakeClock } from './fake-clock.js'

export const ok: PlatformReply = { status: 200, headers: {}, body: '{"received":true}' }
export const reply = (status: number, headers: Record<string, string> = {}, body = ''): PlatformReply => ({
  status,
  headers,
  body,
})

export interface Call {
  eventId: string
  waybill: string
  at: number
}

/** A webhook receiver in memory: records each request, answers with `answer` (which may wait). */
export class ScriptedPlatform {
  readonly calls: Call[] = []
  inFlight = 0
  maxInFlight = 0
  answer: (call: Call) => PlatformReply | Promise<PlatformReply> = () => ok

  constructor(private readonly clock: FakeClock) {}

  readonly transport: Transport = async (request: OutboundRequest) => {
    const body = JSON.parse(request.body) as { id: string; data: { waybill: string } }
    const call = { eventId: body.id, waybill: body.data.waybill, at: this.clock.now() }
    this.calls.push(call)
    this.inFlight += 1
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      return await this.answer(call)
    } finally {
      this.inFlight -= 1
    }
  }

  eventIds(waybill?: string): string[] {
    return this.calls.filter((c) => waybill === undefined || c.waybill === waybill).map((c) => c.eventId)
  }
}

export interface RelayRig {
  clock: FakeClock
  platform: ScriptedPlatform
  relay: Relay
  metrics: Metrics
  events: EventBus
  alerts: AlertService
  config: Config['writeback']
}

export function rig(w: World, overrides: Partial<Config['writeback']> = {}): RelayRig {
  const clock = new FakeClock(T0)
  w.clock.set(T0)
  const platform = new ScriptedPlatform(clock)
  const metrics = new Metrics({ defaultMetrics: false })
  const events = new EventBus()
  const config = { ...loadConfig({}).writeback, sweepIntervalMs: 1000, outcomeFlushMs: 0, ...overrides }
  const alerts = new AlertService(w.db, loadConfig({}).alerts, clock.now)
  const relay = new Relay({
    db: w.db,
    targets: w.targets,
    config,
    metrics,
    log: createLogger({ level: 'silent' }),
    clock: clock.now,
    timers: clock,
    transport: platform.transport,
    random: () => 0.5,
    events,
    alerts: { service: alerts, publish: (e) => events.publish(e.map((x) => ({ ...x }))) },
  })
  return { clock, platform, relay, metrics, events, alerts, config }
}

/** Writes a tracking node event for `waybill` to every target, as the outbox writer does. */
export function enqueue(w: World, waybill: string, eventId: string, at = w.clock()): number {
  return w.writer.write(node({ eventId, waybill, occurredAt: at, deviceTime: at }), at)
}
