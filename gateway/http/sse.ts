/**
 * The server-sent events hub behind `GET /api/v1/events` (WHATWG HTML, "Server-sent events"). It subscribes to
 * the event bus once, numbers every event, keeps the most recent ones in a ring so that a client reconnecting
 * with `Last-Event-ID` misses nothing, and writes each event to the connections whose filter admits it.
 *
 * Event ids are `<stream>-<n>`: `n` counts up from 1 in this process, `stream` is random per start, so an id
 * from before a restart is recognised as such instead of being mistaken for a recent one. When the events after
 * a client's id are no longer all in the ring, the client gets a `stream.reset` event: reload through the REST
 * API, live events follow.
 *
 * A client that stops reading is disconnected once its unsent bytes pass `maxBufferedBytes`, rather than
 * buffered without bound; it reconnects and catches up from the ring.
 */
import { randomBytes } from 'node:crypto'
import type { ServerResponse } from 'node:http'
import type { FastifyBaseLogger } from 'fastify'
import type { EventBus, GatewayEvent } from '../../src/events.js'

export interface SseOptions {
  /** A comment line every this often keeps proxies and load balancers from closing an idle stream. */
  heartbeatMs: number
  /** How many recent events are kept for `Last-Event-ID` replay. */
  replay: number
  /** Unsent bytes (response and socket buffers) above which a slow client is disconnected. */
  maxBufferedBytes: number
  /** Reconnection delay suggested to clients (the `retry:` field). */
  retryMs: number
}

export const defaultSseOptions: SseOptions = {
  heartbeatMs: 15_000,
  replay: 1000,
  maxBufferedBytes: 1024 * 1024,
  retryMs: 3_000,
}

/** How the hub sees an event: the JSON it sends and the waybills it concerns (for merchant scoping). */
export interface Described {
  data: unknown
  waybills: string[]
}

/** What one connection wants to receive. */
export type StreamFilter = (type: string, waybills: readonly string[]) => boolean

interface Entry {
  seq: number
  type: string
  waybills: string[]
  /** The `id`/`event`/`data` block, serialised once for every connection. */
  frame: string
}

interface Connection {
  res: ServerResponse
  filter: StreamFilter
  /** The request's logger, so a stream's lines carry its request id. */
  log: FastifyBaseLogger
  sent: number
}

const LAST_EVENT_ID = /^([0-9a-f]{8})-(\d{1,15})$/

/** One line of a field: SSE splits fields on CR and LF, so neither may appear inside a value. */
const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ')

export class EventStreamHub {
  private readonly stream = randomBytes(4).toString('hex')
  private readonly ring: (Entry | undefined)[]
  private readonly connections = new Set<Connection>()
  private seq = 0
  private unsubscribe: (() => void) | null = null
  private heartbeat: NodeJS.Timeout | null = null

  constructor(
    private readonly bus: EventBus,
    private readonly present: (event: GatewayEvent) => Described,
    private readonly options: SseOptions,
  ) {
    this.ring = new Array<Entry | undefined>(Math.max(1, options.replay))
  }

  start(): void {
    if (this.unsubscribe) return
    this.unsubscribe = this.bus.subscribe((event) => this.onEvent(event))
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n'), this.options.heartbeatMs)
    this.heartbeat.unref()
  }

  /** Ends every stream (clients see a clean end and reconnect elsewhere) and stops listening. */
  stop(): void {
    this.unsubscribe?.()
    this.unsubscribe = null
    if (this.heartbeat) clearInterval(this.heartbeat)
    this.heartbeat = null
    for (const connection of this.connections) connection.res.end()
    this.connections.clear()
  }

  /**
   * Takes over a response: writes the stream's headers (with `headers`, those the framework had set), replays
   * what the client missed after `lastEventId`, then sends live events until either side closes.
   */
  attach(
    res: ServerResponse,
    options: {
      headers: Record<string, string | number | string[] | undefined>
      filter: StreamFilter
      lastEventId?: string
      log: FastifyBaseLogger
    },
  ): void {
    res.writeHead(200, {
      ...options.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      // no-transform: a compressing proxy would otherwise hold events back to fill its buffers.
      'cache-control': 'no-cache, no-transform',
      // nginx buffers proxied responses unless told otherwise.
      'x-accel-buffering': 'no',
    })
    res.socket?.setNoDelay(true)
    const connection: Connection = { res, filter: options.filter, log: options.log, sent: 0 }
    if (!this.write(connection, `retry: ${this.options.retryMs}\n\n`)) return
    if (options.lastEventId !== undefined && !this.replay(connection, options.lastEventId)) return
    this.connections.add(connection)
    res.on('close', () => {
      this.connections.delete(connection)
      connection.log.info({ sent: connection.sent }, 'event stream closed')
    })
  }

  private onEvent(event: GatewayEvent): void {
    const type = oneLine(event.type)
    const { data, waybills } = this.present(event)
    const seq = ++this.seq
    const frame = `id: ${this.stream}-${seq}\nevent: ${type}\ndata: ${JSON.stringify(data)}\n\n`
    const entry: Entry = { seq, type, waybills, frame }
    this.ring[seq % this.ring.length] = entry
    for (const connection of this.connections) this.deliver(connection, entry)
  }

  /** Sends what came after `lastEventId`, or a reset when that is unknown; false when the client was dropped. */
  private replay(connection: Connection, lastEventId: string): boolean {
    const match = LAST_EVENT_ID.exec(lastEventId.trim())
    const after = match?.[1] === this.stream ? Number(match[2]) : null
    const oldest = Math.max(1, this.seq - this.ring.length + 1)
    if (after === null || after > this.seq || after < oldest - 1) {
      const data = JSON.stringify({ lastEventId, reason: 'events after this id are no longer available' })
      return this.write(connection, `event: stream.reset\ndata: ${data}\n\n`)
    }
    // Unbounded here: the ring bounds a replay already, and cutting one short would make the client reconnect
    // with the same id and ask for it again.
    for (let seq = after + 1; seq <= this.seq; seq++) {
      const entry = this.ring[seq % this.ring.length]
      if (entry && !this.deliver(connection, entry, Number.POSITIVE_INFINITY)) return false
    }
    return true
  }

  private deliver(connection: Connection, entry: Entry, limit = this.options.maxBufferedBytes): boolean {
    if (!connection.filter(entry.type, entry.waybills)) return true
    connection.sent++
    return this.write(connection, entry.frame, limit)
  }

  private broadcast(chunk: string): void {
    for (const connection of this.connections) this.write(connection, chunk)
  }

  /** Writes, or drops a client that has left more than the bound unread; false when it is gone. */
  private write(connection: Connection, chunk: string, limit = this.options.maxBufferedBytes): boolean {
    const { res } = connection
    if (res.destroyed || res.writableEnded) return false
    res.write(chunk)
    // writableLength counts the response's own queue and its socket's: everything the client has not taken.
    if (res.writableLength <= limit) return true
    connection.log.warn({ buffered: res.writableLength, limit }, 'event stream client too slow: disconnected')
    this.connections.delete(connection)
    res.destroy()
    return false
  }
}
