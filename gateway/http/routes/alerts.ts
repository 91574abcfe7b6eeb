/**
 * Alerts for the people who act on them (cold-chain.md, "Acknowledgement"): list and read them with their
 * audit trail, acknowledge, and resolve with a disposition. Every change made here is published on the event
 * bus, so dashboards see it at once. Merchant tokens read the alerts of their own waybills only.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { alertKinds, alertStates, dispositions, severities } from '../../../src/alerts/lifecycle.js'
import type { Alert, AlertSource, AlertTransition } from '../../../src/alerts/repository.js'
import type { AlertEvent } from '../../../src/alerts/service.js'
import type { Principal } from '../../../src/auth/tokens.js'
import { AppError } from '../../../src/errors.js'
import { outboxOf } from '../../../src/writeback/outbox/writer.js'
import { requireRole } from '../auth.js'
import type { AlertDeps } from '../deps.js'
import { authErrors, bearer, errorReplies, iso, isoTime, page, pageLimit } from '../schemas.js'

const when = (ms: number | null): string | null => (ms === null ? null : iso(ms))

const source = z.object({
  open: z.boolean(),
  startedAt: isoTime,
  endedAt: isoTime.nullable(),
  detail: z.record(z.string(), z.unknown()),
})

const alert = z
  .object({
    id: z.number().int(),
    kind: z.enum(alertKinds),
    waybill: z.string(),
    state: z.enum(alertStates),
    severity: z.enum(severities),
    title: z.string(),
    sources: z
      .record(z.string(), source)
      .describe('The occurrences folded into this alert (e.g. each excursion), by detector id'),
    detectedLate: z.boolean().describe('Found only when back-filled readings arrived'),
    conditionStartedAt: isoTime.nullable().describe('Device time the condition began'),
    conditionEndedAt: isoTime.nullable(),
    openedAt: isoTime,
    updatedAt: isoTime,
    ackedAt: isoTime.nullable(),
    ackedBy: z.string().nullable(),
    clearedAt: isoTime.nullable(),
    resolvedAt: isoTime.nullable(),
    resolvedBy: z.string().nullable(),
    disposition: z.enum(dispositions).nullable(),
    resolutionNote: z.string().nullable(),
    escalationLevel: z.number().int(),
    nextEscalationAt: isoTime.nullable().describe('When it escalates unless acknowledged before'),
  })
  .meta({ id: 'Alert' })

const transition = z.object({
  action: z.string(),
  from: z.enum(alertStates).nullable(),
  to: z.enum(alertStates),
  at: isoTime,
  actor: z.string().describe('`system`, or the token that acted: its label and id'),
  note: z.string().nullable(),
})

const alertDetail = alert
  .extend({ transitions: z.array(transition).describe('Every step, oldest first: who, when and why') })
  .meta({ id: 'AlertDetail' })

const listQuery = z.object({
  state: z
    .enum([...alertStates, 'open'])
    .optional()
    .describe('One state, or `open` for every state but resolved'),
  kind: z.enum(alertKinds).optional(),
  severity: z.enum(severities).optional(),
  waybill: z.string().min(1).max(128).optional(),
  before: z.coerce.number().int().min(1).optional().describe('The `next` of the previous page'),
  limit: pageLimit(50, 500),
})

const params = z.object({ id: z.coerce.number().int().min(1) })
const note = z.string().trim().max(2000)
const ackBody = z
  .strictObject({ note: note.optional() })
  .nullish()
  .describe('Optional: the request may have no body')
const resolveBody = z.strictObject({
  disposition: z.enum(dispositions).describe('What happens to the goods'),
  note: note.min(1, 'say why').describe('Why; kept in the audit trail'),
})

export function alertView(a: Alert) {
  const sources = Object.fromEntries(
    Object.entries(a.sources).map(([id, s]: [string, AlertSource]) => [
      id,
      { ...s, startedAt: iso(s.startedAt), endedAt: when(s.endedAt) },
    ]),
  )
  return {
    ...a,
    sources,
    conditionStartedAt: when(a.conditionStartedAt),
    conditionEndedAt: when(a.conditionEndedAt),
    openedAt: iso(a.openedAt),
    updatedAt: iso(a.updatedAt),
    ackedAt: when(a.ackedAt),
    clearedAt: when(a.clearedAt),
    resolvedAt: when(a.resolvedAt),
    nextEscalationAt: when(a.nextEscalationAt),
  }
}

const transitionView = (t: AlertTransition) => ({ ...t, at: iso(t.at) })

export const alertRoutes: FastifyPluginAsyncZod<{ deps: AlertDeps }> = async (app, { deps }) => {
  const { alerts, events, tokens, db } = deps

  /** The waybills a principal may see; undefined means all of them. */
  function visibleWaybills(principal: Principal): string[] | undefined {
    if (principal.role !== 'merchant') return undefined
    return principal.merchant !== null ? (deps.waybillsOfMerchant?.(principal.merchant) ?? []) : []
  }

  /** The alert, or 404 when it does not exist or the token may not see it (no hint that it exists). */
  function find(id: number, principal: Principal): Alert {
    const found = alerts.get(id)
    const visible = visibleWaybills(principal)
    if (visible && !visible.includes(found.waybill)) throw new AppError('NOT_FOUND', `no alert ${id}`)
    return found
  }

  /** Who acted, as people will read it in the audit trail: the token's label, and its id to tell it apart. */
  function actor(principal: Principal): string {
    const label = tokens.get(principal.id)?.label.trim()
    return label ? `${label} (${principal.id})` : principal.id
  }

  const detail = (a: Alert) => ({
    ...alertView(a),
    transitions: alerts.repo.transitions(a.id).map(transitionView),
  })

  /**
   * Makes a change in one transaction (the alert, its transition row and its writeback outbox rows), publishes
   * it once committed, and answers with the alert as it now is.
   */
  function change(id: number, make: () => AlertEvent[]) {
    const { changes, rows } = db.transaction(() => {
      const made = make()
      return { changes: made, rows: outboxOf(db).produce(made, deps.clock()) }
    })()
    events.publish(changes.map((c) => ({ ...c })))
    if (rows > 0) events.publish([{ type: 'outbox.enqueued', rows }])
    return detail(changes.at(-1)?.alert ?? alerts.get(id))
  }

  app.get(
    '',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, newest first, a page at a time (admin, ops; merchant: own waybills)',
        security: bearer,
        querystring: listQuery,
        response: { 200: page(alert), ...errorReplies(...authErrors) },
      },
    },
    async (request) => {
      const { limit, ...filter } = request.query
      const waybills = visibleWaybills(request.principal as Principal)
      const rows = alerts.list({ ...filter, waybills, limit: limit + 1 })
      const items = rows.slice(0, limit)
      const last = items.at(-1)
      return { items: items.map(alertView), next: rows.length > limit && last ? String(last.id) : null }
    },
  )

  app.get(
    '/:id',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      schema: {
        tags: ['alerts'],
        summary: 'One alert with its audit trail (admin, ops; merchant: own waybills)',
        security: bearer,
        params,
        response: { 200: alertDetail, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => detail(find(request.params.id, request.principal as Principal)),
  )

  app.post(
    '/:id/ack',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['alerts'],
        summary:
          'Acknowledge: someone is on it; stops escalation. Acknowledging twice changes nothing (admin, ops)',
        security: bearer,
        params,
        body: ackBody,
        response: { 200: alertDetail, ...errorReplies(...authErrors, 404, 409) },
      },
    },
    async (request) => {
      const principal = request.principal as Principal
      const { id } = request.params
      const note = request.body?.note || null
      const reply = change(id, () => alerts.ack(find(id, principal).id, actor(principal), note))
      request.log.info({ alertId: id, by: principal.id }, 'alert acknowledged')
      return reply
    },
  )

  app.post(
    '/:id/resolve',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['alerts'],
        summary: 'Close an acknowledged alert with a disposition and the reason (admin, ops)',
        security: bearer,
        params,
        body: resolveBody,
        response: { 200: alertDetail, ...errorReplies(...authErrors, 404, 409) },
      },
    },
    async (request) => {
      const principal = request.principal as Principal
      const { id } = request.params
      const { disposition, note: why } = request.body
      const reply = change(id, () =>
        alerts.resolve(find(id, principal).id, actor(principal), disposition, why),
      )
      request.log.info({ alertId: id, by: principal.id, disposition }, 'alert resolved')
      return reply
    },
  )
}
