/**
 * The live stream for dashboards: every committed fact on the event bus (alert changes, tracking nodes, ...) as
 * server-sent events, filtered by type, scoped to a merchant's own waybills for merchant tokens. Streams end
 * when the app closes, so shutdown never waits for a dashboard to hang up.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Alert } from '../../../src/alerts/repository.js'
import type { Principal } from '../../../src/auth/tokens.js'
import type { GatewayEvent } from '../../../src/events.js'
import { requireRole } from '../auth.js'
import type { AlertDeps } from '../deps.js'
import { authErrors, bearer, errorReplies } from '../schemas.js'
import { type Described, defaultSseOptions, EventStreamHub, type StreamFilter } from '../sse.js'
import { alertView } from './alerts.js'

const TYPE_PATTERN = /^(\*|[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?)$/

const query = z.object({
  types: z
    .string()
    .max(1000)
    .transform((value, ctx) => {
      const patterns = value
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
      const bad = patterns.filter((p) => !TYPE_PATTERN.test(p))
      if (bad.length === 0 && patterns.length > 0) return patterns
      ctx.addIssue({ code: 'custom', message: `not event types or prefixes like alert.*: ${bad.join(', ')}` })
      return z.NEVER
    })
    .optional()
    .describe(
      'Comma-separated event types; `alert.*` matches every type starting with `alert.`. Default: all',
    ),
})

const headers = z.object({
  'last-event-id': z
    .string()
    .max(100)
    .optional()
    .describe('The id of the last event received: the stream resumes after it'),
})

const stream = z
  .string()
  .describe(
    'text/event-stream: `id` (resume with Last-Event-ID), `event` (the type), `data` (JSON); comment ' +
      'heartbeats; `stream.reset` when missed events are no longer available (reload through the REST API)',
  )

/** Exact types, and prefixes written `alert.*`; `*` alone admits everything. */
export function typeMatcher(patterns: readonly string[] | undefined): (type: string) => boolean {
  if (!patterns || patterns.includes('*')) return () => true
  const exact = new Set(patterns.filter((p) => !p.endsWith('.*')))
  const prefixes = patterns.filter((p) => p.endsWith('.*')).map((p) => p.slice(0, -1))
  return (type) => exact.has(type) || prefixes.some((prefix) => type.startsWith(prefix))
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null

/**
 * The waybills an event is about, wherever its producer put them: `waybill`/`waybills` at the top level or in
 * its subject (`alert`, `node`, ...). Events about no waybill reach admin and ops only.
 */
export function waybillsOf(event: GatewayEvent): string[] {
  const found = new Set<string>()
  for (const holder of [event, ...Object.values(event).filter(isRecord)] as Record<string, unknown>[]) {
    if (typeof holder.waybill === 'string') found.add(holder.waybill)
    if (Array.isArray(holder.waybills))
      for (const w of holder.waybills) if (typeof w === 'string') found.add(w)
  }
  return [...found]
}

/** Alert events carry the alert as the REST API shows it (ISO times); other events go out as published. */
function present(event: GatewayEvent): Described {
  const { alert } = event
  const data =
    event.type.startsWith('alert.') && isRecord(alert) && typeof alert.id === 'number'
      ? { ...event, alert: alertView(alert as unknown as Alert) }
      : event
  return { data, waybills: waybillsOf(event) }
}

export const eventRoutes: FastifyPluginAsyncZod<{ deps: AlertDeps }> = async (app, { deps }) => {
  const hub = new EventStreamHub(deps.events, present, { ...defaultSseOptions, ...deps.sse })
  app.addHook('onReady', async () => hub.start())
  // preClose, not onClose: the server cannot finish closing while a stream is still open.
  app.addHook('preClose', async () => hub.stop())

  /** A merchant sees events about its own waybills only; without the orders hook, none. */
  function scope(principal: Principal): (waybills: readonly string[]) => boolean {
    const { merchant } = principal
    if (principal.role !== 'merchant') return () => true
    const lookup = deps.waybillsOfMerchant
    if (!lookup || merchant === null) return () => false
    return (waybills) => {
      if (waybills.length === 0) return false
      const own = new Set(lookup(merchant))
      return waybills.some((w) => own.has(w))
    }
  }

  app.get(
    '',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      // A HEAD request would hold a body-less stream open forever.
      exposeHeadRoute: false,
      schema: {
        tags: ['events'],
        summary: 'Live server-sent events of alerts and tracking nodes (admin, ops; merchant: own waybills)',
        security: bearer,
        querystring: query,
        headers,
        response: {
          200: { description: 'The event stream', content: { 'text/event-stream': { schema: stream } } },
          ...errorReplies(...authErrors),
        },
      },
    },
    async (request, reply) => {
      const admitsType = typeMatcher(request.query.types)
      const admitsWaybills = scope(request.principal as Principal)
      const filter: StreamFilter = (type, waybills) => admitsType(type) && admitsWaybills(waybills)
      request.log.info({ by: request.principal?.id, types: request.query.types }, 'event stream opened')
      reply.hijack()
      hub.attach(reply.raw, {
        headers: reply.getHeaders(),
        filter,
        lastEventId: request.headers['last-event-id'],
        log: request.log,
      })
    },
  )
}
