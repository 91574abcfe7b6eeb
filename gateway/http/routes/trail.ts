/**
 * The temperature trail (issue 3 "Trail") of a waybill, or of an order (one trail per waybill carrying it):
 * readings with the custody segment each came from (sensor, container, from/to), tracking nodes with their
 * snapshots, excursions (withdrawn ones with the reason), data gaps, stalls, and a summary (min, max, mean,
 * MKT, time out of range, budget left, time unknown). Merchants see only their own orders.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { AppError } from '../../../src/errors.js'
import type { Finding } from '../../../src/monitoring/findings.js'
import { type Trail, TrailReader } from '../../../src/monitoring/trail.js'
import { waybillNo } from '../../../src/orders/schemas.js'
import type { TrailSummary } from '../../../src/rules/index.js'
import { requireRole } from '../auth.js'
import type { OrderDeps } from '../deps.js'
import { authErrors, bearer, errorReplies, iso, isoTime } from '../schemas.js'
import {
  node,
  nodeView,
  order,
  orderView,
  profile,
  scopeOf,
  waybill,
  waybillView,
  when,
} from './order-views.js'

const withdrawn = z
  .object({ reason: z.string(), supersededBy: z.string().nullable() })
  .nullable()
  .describe('Set when late data disproved it')
const finding = z.object({
  id: z.string(),
  state: z.enum(['open', 'closed', 'withdrawn']),
  startedAt: isoTime.describe('Device time'),
  endedAt: isoTime.nullable(),
  detectedLate: z.boolean(),
  withdrawn,
})
const excursion = finding
  .extend({
    kind: z.enum(['temperature', 'humidity']),
    side: z.enum(['high', 'low']),
    severity: z.string().nullable(),
    profile: z.string(),
    detail: z.record(z.string(), z.unknown()).describe('The engine snapshot: peak, bound, area, durations'),
  })
  .meta({ id: 'TrailExcursion' })
const stall = finding.extend({ detail: z.record(z.string(), z.unknown()) })
const segment = z.object({
  from: isoTime.describe('Device time, inclusive'),
  to: isoTime.nullable().describe('Device time, exclusive; null while still in that container'),
  container: z.string(),
  devices: z.array(z.string()),
})
const reading = z.object({
  ts: isoTime.describe('Device time'),
  deviceId: z.string(),
  seq: z.number().int(),
  tempC: z.number().nullable(),
  rh: z.number().nullable(),
  quality: z.enum(['ok', 'sensor_fault']),
  fault: z.string().nullable(),
  segment: z.number().int().describe('Index in `segments` of the custody segment it came from'),
})
const ms = z.number()
const summary = z
  .object({
    readings: z.number().int(),
    faults: z.number().int(),
    firstAt: isoTime.nullable(),
    lastAt: isoTime.nullable(),
    minC: z.number().nullable(),
    maxC: z.number().nullable(),
    meanC: z.number().nullable().describe('Time-weighted'),
    mktC: z.number().nullable().describe('Mean kinetic temperature, USP <1160>'),
    outOfRangeMs: ms,
    budgetMs: ms.nullable(),
    budgetLeftMs: ms.nullable(),
    budgetExhaustedAt: isoTime.nullable(),
    unknownMs: ms.describe('Time inside data gaps between readings'),
    excursions: z.number().int(),
    openExcursions: z.number().int(),
    gaps: z.number().int(),
  })
  .nullable()
const trail = z
  .object({
    waybill,
    profile: profile.nullable(),
    segments: z.array(segment),
    readings: z.array(reading),
    truncated: z.boolean().describe('More readings than a trail holds: the newest are shown'),
    nodes: z.array(node),
    excursions: z.array(excursion),
    gaps: z.array(finding),
    stalls: z.array(stall),
    summary,
  })
  .meta({ id: 'Trail' })
const orderTrail = z.object({ order, waybills: z.array(trail) }).meta({ id: 'OrderTrail' })

function findingView(f: Finding) {
  return {
    id: f.id,
    state: f.state,
    startedAt: iso(f.startedAt),
    endedAt: when(f.endedAt),
    detectedLate: f.detectedLate,
    withdrawn: f.state === 'withdrawn' ? { reason: f.reason ?? '', supersededBy: f.supersededBy } : null,
  }
}

function summaryView(s: TrailSummary | null) {
  if (!s) return null
  const { firstTs, lastTs, budgetExhaustedAt, ...rest } = s
  return { ...rest, firstAt: when(firstTs), lastAt: when(lastTs), budgetExhaustedAt: when(budgetExhaustedAt) }
}

function trailView(t: Trail, w: Parameters<typeof waybillView>[0]) {
  return {
    waybill: waybillView(w),
    profile: t.profile?.profile ?? null,
    segments: t.segments.map((s) => ({ ...s, from: iso(s.from), to: when(s.to) })),
    readings: t.readings.map((r) => ({ ...r, ts: iso(r.ts) })),
    truncated: t.truncated,
    nodes: t.nodes.map(nodeView),
    excursions: t.excursions.map((f) => ({
      ...findingView(f),
      kind: f.kind as 'temperature' | 'humidity',
      side: f.detail['side'] as 'high' | 'low',
      severity: f.severity,
      profile: f.profile,
      detail: f.detail,
    })),
    gaps: t.gaps.map(findingView),
    stalls: t.stalls.map((f) => ({ ...findingView(f), detail: f.detail })),
    summary: summaryView(t.summary),
  }
}

export const trailRoutes: FastifyPluginAsyncZod<{ deps: OrderDeps }> = async (app, { deps }) => {
  const { orders, db, monitor } = deps
  const trails = new TrailReader(db, monitor)

  app.get(
    '/waybills/:no/trail',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      schema: {
        tags: ['waybills'],
        summary: "A waybill's temperature trail (admin, ops; merchant: own)",
        security: bearer,
        params: z.object({ no: waybillNo }),
        response: { 200: trail, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => {
      const { no } = request.params
      const found = orders.getWaybill(no, scopeOf(request.principal))
      if (!found) throw new AppError('NOT_FOUND', `no waybill ${no}`)
      return trailView(trails.of(no), found)
    },
  )

  app.get(
    '/orders/:id/trail',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      schema: {
        tags: ['orders'],
        summary: 'The trail of each waybill carrying the order (admin, ops; merchant: own)',
        security: bearer,
        params: z.object({ id: z.string().min(1).max(128) }),
        response: { 200: orderTrail, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => {
      const scope = scopeOf(request.principal)
      const found = orders.getOrder(request.params.id, scope)
      if (!found) throw new AppError('NOT_FOUND', `no order ${request.params.id}`)
      const waybills = orders.waybillsOfOrder(found.id, scope) ?? []
      return { order: orderView(found), waybills: waybills.map((w) => trailView(trails.of(w.no), w)) }
    },
  )
}
