/**
 * The outbox writer: facts → writeback events → one row per (target, event), written by the caller inside the
 * transaction of the fact (the ingest `outbox` step, the alerts API), so a fact and its rows commit or vanish
 * together. Enqueueing is idempotent: a (target, event id) written twice is one row.
 *
 * One writer per database (`outboxOf`), configured by the gateway at start (`configureOutbox`); unconfigured, it
 * uses the defaults of the `writeback` config section.
 */
import { configSchema } from '../../config.js'
import type { Database } from '../../store/database.js'
import type { WritebackEvent } from '../types.js'
import { orderingKey } from '../types.js'
import {
  type AlertFact,
  alertEvent,
  type ExcursionFact,
  excursionEvent,
  type NodeCreatedFact,
  nodeEvents,
  type TransitionRef,
} from './facts.js'
import { WritebackLookup } from './lookup.js'
import { OutboxStore } from './store.js'
import { enqueues, metaAccepts, TargetDirectory, type TargetMeta } from './targets.js'

export interface OutboxOptions {
  /** The courier's carrier code put on nodes and shipment confirmations. */
  carrier: string
  /** Rows are dead-lettered when still undelivered this long after they were written. */
  maxAgeMs: number
}

const isFact = (value: unknown): value is { type: string } =>
  typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'

export class OutboxWriter {
  readonly store: OutboxStore
  readonly targets: TargetDirectory
  readonly lookup: WritebackLookup
  private readonly lastTransition

  constructor(
    db: Database,
    public options: OutboxOptions,
  ) {
    this.store = new OutboxStore(db)
    this.targets = new TargetDirectory(db)
    this.lookup = new WritebackLookup(db)
    this.lastTransition = db.prepare<[number], TransitionRef>(
      'SELECT id, at, actor, note FROM alert_transitions WHERE alert_id = ? ORDER BY id DESC LIMIT 1',
    )
  }

  /** Rows for every target that takes the event (not paused, adapter and subscription and merchant match). */
  write(event: WritebackEvent, now: number): number {
    let written = 0
    let payload: string | null = null
    for (const meta of this.targets.all()) {
      if (!enqueues(meta) || !metaAccepts(meta, event)) continue
      payload ??= JSON.stringify(event)
      if (this.writeRow(meta, event, payload, now)) written += 1
    }
    return written
  }

  /** A row for one target (trail batches are cut per target); false when it exists already. */
  writeFor(meta: TargetMeta, event: WritebackEvent, now: number): boolean {
    return this.writeRow(meta, event, JSON.stringify(event), now)
  }

  /**
   * Turns committed facts into rows; other facts are ignored. Returns the rows written. Facts are taken in
   * order, so a waybill's nodes enter their lane in the order their scans were stored.
   */
  produce(facts: readonly unknown[], now: number): number {
    if (this.targets.all().length === 0) return 0
    let written = 0
    for (const fact of facts) {
      if (!isFact(fact)) continue
      for (const event of this.eventsOf(fact, now)) written += this.write(event, now)
    }
    return written
  }

  private eventsOf(fact: { type: string }, now: number): WritebackEvent[] {
    switch (fact.type) {
      case 'node.created':
        return nodeEvents(fact as NodeCreatedFact, this.lookup, this.options.carrier)
      case 'excursion.opened':
      case 'excursion.cleared': {
        const event = excursionEvent(fact as ExcursionFact, this.lookup, now)
        return event ? [event] : []
      }
      case 'alert.acknowledged':
      case 'alert.resolved': {
        const alert = (fact as AlertFact).alert
        const transition = this.lastTransition.get(alert.id)
        const event = transition ? alertEvent(fact as AlertFact, transition, this.lookup) : null
        return event ? [event] : []
      }
      default:
        return []
    }
  }

  private writeRow(meta: TargetMeta, event: WritebackEvent, payload: string, now: number): boolean {
    return this.store.insert({
      targetId: meta.id,
      orderingKey: orderingKey(event),
      eventId: event.eventId,
      type: event.type,
      payload,
      createdAt: now,
      eventTime: event.occurredAt,
      expiresAt: now + this.options.maxAgeMs,
    })
  }
}

const writers = new WeakMap<Database, OutboxWriter>()

function defaults(): OutboxOptions {
  const { carrier, maxAgeMs } = configSchema.shape.writeback.parse(undefined)
  return { carrier, maxAgeMs }
}

/** The database's outbox writer, created on first use. */
export function outboxOf(db: Database): OutboxWriter {
  let writer = writers.get(db)
  if (!writer) {
    writer = new OutboxWriter(db, defaults())
    writers.set(db, writer)
  }
  return writer
}

/** Sets the writer's options from the configuration (the gateway calls this before ingest starts). */
export function configureOutbox(db: Database, options: OutboxOptions): OutboxWriter {
  const writer = outboxOf(db)
  writer.options = options
  return writer
}
