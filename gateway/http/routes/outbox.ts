/**
 * The outbox for operations (`/api/v1/outbox`): what is waiting, delivered or dead, newest first, and replay of
 * dead letters — one row, a waybill's dead rows of a target, or everything dead for a target. A replayed row is
 * pending again with its attempts reset and a fresh deadline; it keeps its event id, so a platform that did get
 * it before recognises the repeat.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { AppError } from '../../../src/errors.js'
import { outboxPage } from '../../../src/writeback/outbox/query.js'
import { type OutboxRow, outboxStates } from '../../../src/writeback/outbox/store.js'
import { writebackEventTypes } from '../../../src/writeback/types.js'
import { requireRole } from '../auth.js'
import { authErrors, bearer, errorReplies, iso, isoTime, page, pageLimit } from '../schemas.js'
import type { WritebackDeps } from './platforms.js'

const when = (ms: number | null): string | null => (ms === null ? null : iso(ms))

const row = z
  .object({
    id: z.number().int(),
    target: z.string(),
    waybill: z.string().describe('The ordering key: a waybill, or alert:<id> for alerts without one'),
    eventId: z.string().describe('Stable across retries and replays (webhook-id, msg_id)'),
    type: z.enum(writebackEventTypes),
    state: z.enum(outboxStates),
    attempts: z.number().int(),
    nextAttemptAt: isoTime.nullable().describe('Set on the head of its lane; null while waiting behind it'),
    lastError: z.string().nullable(),
    lastAttemptAt: isoTime.nullable(),
    createdAt: isoTime,
    eventTime: isoTime,
    expiresAt: isoTime.describe('Dead-lettered when still pending then'),
    deliveredAt: isoTime.nullable(),
  })
  .meta({ id: 'OutboxRow' })

const rowDetail = row.extend({ event: z.unknown().describe('The writeback event as stored') }).meta({
  id: 'OutboxRowDetail',
})

function view(r: OutboxRow) {
  return {
    id: r.id,
    target: r.targetId,
    waybill: r.orderingKey,
    eventId: r.eventId,
    type: r.type,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: when(r.nextAttemptAt),
    lastError: r.lastError,
    lastAttemptAt: when(r.lastAttemptAt),
    createdAt: iso(r.createdAt),
    eventTime: iso(r.eventTime),
    expiresAt: iso(r.expiresAt),
    deliveredAt: when(r.deliveredAt),
  }
}

const listQuery = z.object({
  target: z.string().min(1).max(256).optional(),
  state: z.enum(outboxStates).optional(),
  waybill: z.string().min(1).max(256).optional(),
  before: z.coerce.number().int().min(1).optional().describe('The `next` of the previous page'),
  limit: pageLimit(100, 1000),
})

const params = z.object({ id: z.coerce.number().int().min(1) })

const replayBody = z.strictObject({
  target: z.string().min(1).max(256),
  waybill: z.string().min(1).max(256).optional().describe('Only this waybill’s dead rows'),
})

const replayed = z.object({ replayed: z.number().int() })

/** Most rows one replay request revives; repeat the request for more. */
const REPLAY_LIMIT = 100_000

export const outboxRoutes: FastifyPluginAsyncZod<{ deps: WritebackDeps }> = async (app, { deps }) => {
  const { writeback, db, clock } = deps

  app.get(
    '',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['outbox'],
        summary: 'Outbox rows, newest first, a page at a time (admin, ops)',
        security: bearer,
        querystring: listQuery,
        response: { 200: page(row), ...errorReplies(...authErrors) },
      },
    },
    async (request) => {
      const result = outboxPage(db, request.query)
      return { items: result.items.map(view), next: result.next === null ? null : String(result.next) }
    },
  )

  app.get(
    '/:id',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['outbox'],
        summary: 'One outbox row with its event (admin, ops)',
        security: bearer,
        params,
        response: { 200: rowDetail, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => {
      const found = writeback.outbox.get(request.params.id)
      if (!found) throw new AppError('NOT_FOUND', `no outbox row ${request.params.id}`)
      return { ...view(found), event: JSON.parse(found.payload) as unknown }
    },
  )

  app.post(
    '/:id/replay',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['outbox'],
        summary: 'Replay one dead row (admin, ops)',
        security: bearer,
        params,
        response: { 200: row, ...errorReplies(...authErrors, 404, 409) },
      },
    },
    async (request) => {
      const found = writeback.outbox.get(request.params.id)
      if (!found) throw new AppError('NOT_FOUND', `no outbox row ${request.params.id}`)
      const now = clock()
      const revived = db.transaction(() => writeback.outbox.reviveOne(found, now, now + writeback.maxAgeMs))()
      if (!revived) throw new AppError('CONFLICT', `row ${found.id} is ${found.state}; only dead rows replay`)
      request.log.info({ rowId: found.id, target: found.targetId }, 'outbox row replayed')
      writeback.wake()
      return view(writeback.outbox.get(found.id) as OutboxRow)
    },
  )

  app.post(
    '/replay',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['outbox'],
        summary: 'Replay every dead row of a target, or of one waybill on it (admin, ops)',
        security: bearer,
        body: replayBody,
        response: { 200: replayed, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => {
      const { target, waybill } = request.body
      if (!writeback.targets.get(target)) throw new AppError('NOT_FOUND', `no platform ${target}`)
      const now = clock()
      const count = db.transaction(() =>
        writeback.outbox.reviveDead(target, waybill ?? null, now, now + writeback.maxAgeMs, REPLAY_LIMIT),
      )()
      request.log.info({ target, waybill, rows: count }, 'dead outbox rows replayed')
      if (count > 0) writeback.wake()
      return { replayed: count }
    },
  )
}
