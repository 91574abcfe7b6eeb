/**
 * Writeback targets (`/api/v1/platforms`): where events are delivered and with which credentials. Admin
 * registers and changes them, ops reads. Credentials are validated per kind, stored sealed (AES-256-GCM) and
 * never returned or logged: every reply shows them through `redactTarget`. PATCH merges credentials over the
 * stored ones (send only a refreshed access token) and re-enables a target paused by a person or gone (410).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Principal } from '../../../src/auth/tokens.js'
import { AppError } from '../../../src/errors.js'
import { redactTarget, targetKinds, targetSchema } from '../../../src/writeback/adapters/targets.js'
import type { WritebackControl } from '../../../src/writeback/relay/writeback.js'
import {
  type StoredTarget,
  targetSettingsSchema,
  targetStatuses,
} from '../../../src/writeback/targets-store.js'
import { writebackEventTypes } from '../../../src/writeback/types.js'
import { requireRole } from '../auth.js'
import type { HttpDeps } from '../deps.js'
import { authErrors, bearer, errorReplies, iso, isoTime } from '../schemas.js'

const rateLimit = z.object({ perSecond: z.number(), burst: z.number().int() })

const platform = z
  .object({
    id: z.string(),
    kind: z.enum(targetKinds),
    endpoint: z.string(),
    events: z.array(z.enum(writebackEventTypes)).nullable().describe('null: every type the platform takes'),
    merchantId: z.string().nullable().describe('Only events concerning this merchant’s orders'),
    carrierCodes: z.record(z.string(), z.string()),
    credentials: z.record(z.string(), z.unknown()).describe('Secret fields read "[redacted]"'),
    trailIntervalMs: z.number().int(),
    rateLimit: rateLimit.nullable(),
    concurrency: z.number().int().nullable(),
    status: z.enum(targetStatuses).describe('active; paused (by a person); gone (the platform answered 410)'),
    statusReason: z.string().nullable(),
    statusAt: isoTime.nullable(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .meta({ id: 'Platform' })

const platformDetail = platform
  .extend({
    outbox: z.object({
      pending: z.number().int(),
      dead: z.number().int(),
      oldestPendingAt: isoTime.nullable(),
    }),
  })
  .meta({ id: 'PlatformDetail' })

const createBody = z.intersection(
  targetSchema,
  targetSettingsSchema.extend({ enabled: z.boolean().default(true) }),
)

const patchBody = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  credentials: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Merged over the stored credentials, then validated for the kind'),
  events: z.array(z.enum(writebackEventTypes)).min(1).nullable().optional(),
  merchantId: z.string().trim().min(1).max(256).nullable().optional(),
  carrierCodes: z.record(z.string(), z.string().trim().min(1).max(256)).optional(),
  trailIntervalMs: targetSettingsSchema.shape.trailIntervalMs.optional(),
  rateLimit: targetSettingsSchema.shape.rateLimit.optional(),
  concurrency: targetSettingsSchema.shape.concurrency.optional(),
  enabled: z.boolean().optional().describe('true re-enables a paused or gone target; false pauses it'),
})

const params = z.object({ id: z.string().min(1).max(256) })

export function platformView(s: StoredTarget) {
  const t = redactTarget(s.target)
  return {
    id: t.id,
    kind: t.kind,
    endpoint: t.endpoint,
    events: t.events ?? null,
    merchantId: t.merchantId ?? null,
    carrierCodes: t.carrierCodes,
    credentials: t.credentials as Record<string, unknown>,
    trailIntervalMs: s.trailIntervalMs,
    rateLimit: s.rateLimit,
    concurrency: s.concurrency,
    status: s.status,
    statusReason: s.statusReason,
    statusAt: s.statusAt === null ? null : iso(s.statusAt),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  }
}

export type WritebackDeps = HttpDeps & { writeback: WritebackControl }

export const platformRoutes: FastifyPluginAsyncZod<{ deps: WritebackDeps }> = async (app, { deps }) => {
  const { writeback, db, clock } = deps
  const { targets } = writeback

  function find(id: string): StoredTarget {
    const found = targets.get(id)
    if (!found) throw new AppError('NOT_FOUND', `no platform ${id}`)
    return found
  }

  function detail(s: StoredTarget) {
    const stats = writeback.outbox.stats().get(s.target.id)
    return {
      ...platformView(s),
      outbox: {
        pending: stats?.pending ?? 0,
        dead: stats?.dead ?? 0,
        oldestPendingAt: stats?.oldest == null ? null : iso(stats.oldest),
      },
    }
  }

  app.post(
    '',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['platforms'],
        summary:
          'Register a writeback target: kind, endpoint, credentials, events, trail interval, rate limit (admin)',
        security: bearer,
        body: createBody,
        response: { 201: platformDetail, ...errorReplies(...authErrors, 409) },
      },
    },
    async (request, reply) => {
      const { trailIntervalMs, rateLimit, concurrency, enabled, ...input } = request.body
      const target = targetSchema.parse(input)
      const stored = targets.create(target, { trailIntervalMs, rateLimit, concurrency }, enabled)
      request.log.info({ platform: target.id, kind: target.kind }, 'platform registered')
      writeback.wake()
      return reply.code(201).send(detail(stored))
    },
  )

  app.get(
    '',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['platforms'],
        summary: 'Every writeback target, credentials redacted (admin, ops)',
        security: bearer,
        response: { 200: z.object({ items: z.array(platform) }), ...errorReplies(...authErrors) },
      },
    },
    async () => ({ items: targets.list().map(platformView) }),
  )

  app.get(
    '/:id',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['platforms'],
        summary: 'One writeback target with its outbox backlog, credentials redacted (admin, ops)',
        security: bearer,
        params,
        response: { 200: platformDetail, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => detail(find(request.params.id)),
  )

  app.patch(
    '/:id',
    {
      onRequest: requireRole('admin'),
      schema: {
        tags: ['platforms'],
        summary: 'Change a target; `enabled: true` re-enables one paused or gone after a 410 (admin)',
        security: bearer,
        params,
        body: patchBody,
        response: { 200: platformDetail, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => {
      const principal = request.principal as Principal
      const current = find(request.params.id)
      const { credentials, events, merchantId, enabled, trailIntervalMs, rateLimit, concurrency, ...rest } =
        request.body
      const merged = {
        ...current.target,
        ...rest,
        credentials: { ...current.target.credentials, ...credentials },
        events: events === null ? undefined : (events ?? current.target.events),
        merchantId: merchantId === null ? undefined : (merchantId ?? current.target.merchantId),
      }
      const parsed = targetSchema.safeParse(merged)
      if (!parsed.success) {
        // Paths and messages only: the values may be secrets.
        const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
        throw new AppError('VALIDATION_FAILED', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
          issues,
        })
      }
      const now = clock()
      const reenable = enabled === true && current.status !== 'active'
      const status = enabled === undefined ? current.status : enabled ? 'active' : 'paused'
      const next: StoredTarget = {
        ...current,
        target: parsed.data,
        trailIntervalMs: trailIntervalMs ?? current.trailIntervalMs,
        rateLimit: rateLimit === undefined ? current.rateLimit : rateLimit,
        concurrency: concurrency === undefined ? current.concurrency : concurrency,
        ...(status === current.status
          ? {}
          : {
              status,
              statusReason: status === 'paused' ? `paused by ${principal.id}` : null,
              statusAt: now,
            }),
      }
      const saved = db.transaction(() => {
        const result = targets.save(next)
        // Rows that waited out a pause or an outage get a fresh deadline instead of dying on the spot.
        if (reenable) writeback.outbox.extendDeadlines(current.target.id, now + writeback.maxAgeMs)
        return result
      })()
      request.log.info({ platform: current.target.id, status: saved.status }, 'platform changed')
      writeback.wake()
      return detail(saved)
    },
  )
}
