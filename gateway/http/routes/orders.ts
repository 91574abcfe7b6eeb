/**
 * Orders from the platforms (issue 3 "Orders and waybills"): intake idempotent on (platform, platform order
 * id) — 201 when created, 200 when the same order was posted before, 409 when it was posted with other
 * content — bulk intake for platforms that push in batches (a JSON array, or NDJSON one order per line), reads,
 * and splitting an order into several waybills. Merchant tokens work on their own orders only: others read as
 * absent (404), never forbidden, so ids of other merchants cannot be probed.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Principal } from '../../../src/auth/tokens.js'
import { AppError, catalogue, type ErrorCode } from '../../../src/errors.js'
import { orderInput, splitInput } from '../../../src/orders/schemas.js'
import { requireRole } from '../auth.js'
import type { OrderDeps } from '../deps.js'
import { authErrors, bearer, errorReplies, pageLimit } from '../schemas.js'
import { order, orderView, regroupResult, scopeOf, waybill, waybillView } from './order-views.js'

const created = z
  .object({
    created: z.boolean().describe('false: the same order had been posted before'),
    order,
    waybills: z.array(waybill),
  })
  .meta({ id: 'OrderCreated' })

const codes = Object.keys(catalogue) as [ErrorCode, ...ErrorCode[]]
const bulkResult = z.object({
  index: z.number().int().describe('Position in the batch, from 0'),
  line: z.number().int().optional().describe('NDJSON line number, from 1'),
  status: z.enum(['created', 'existing', 'error']),
  orderId: z.string().optional(),
  waybills: z.array(z.string()).optional(),
  error: z.object({ code: z.enum(codes), message: z.string(), details: z.unknown().optional() }).optional(),
})
const bulkReply = z.object({
  created: z.number().int(),
  existing: z.number().int(),
  failed: z.number().int(),
  results: z.array(bulkResult),
})
const bulkBody = z
  .union([z.array(z.unknown()), z.string()])
  .describe('A JSON array of orders, or NDJSON (Content-Type: application/x-ndjson), one order per line')

const params = z.object({ id: z.string().min(1).max(128) })
const listQuery = z.object({
  after: z.string().max(128).optional().describe('The `next` of the previous page'),
  limit: pageLimit(100, 1000),
})
const orderPage = z.object({ items: z.array(order), next: z.string().nullable() })

export const orderRoutes: FastifyPluginAsyncZod<{ deps: OrderDeps }> = async (app, { deps }) => {
  const { orders } = deps
  // NDJSON bodies reach the handler as text; each line is parsed (and reported) on its own.
  app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  )

  app.post(
    '',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      schema: {
        tags: ['orders'],
        summary: 'Take an order from a platform; idempotent on platform + platform order id (merchant: own)',
        security: bearer,
        body: orderInput,
        response: { 200: created, 201: created, ...errorReplies(...authErrors, 409) },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request.principal)
      if (scope.merchant != null && request.body.merchant !== scope.merchant) {
        throw new AppError('FORBIDDEN', `this token creates orders of merchant ${scope.merchant} only`)
      }
      // The service parses the raw body again (its own boundary); the route's schema documented and checked it.
      const result = orders.create(request.body)
      request.log.info(
        { orderId: result.order.id, created: result.created, by: request.principal?.id },
        'order received',
      )
      return reply.code(result.created ? 201 : 200).send({
        created: result.created,
        order: orderView(result.order),
        waybills: result.waybills.map(waybillView),
      })
    },
  )

  app.post(
    '/bulk',
    {
      onRequest: requireRole('admin', 'ops'),
      schema: {
        tags: ['orders'],
        summary: 'Take a batch of orders (JSON array or NDJSON); one result per order (admin, ops)',
        security: bearer,
        body: bulkBody,
        response: { 200: bulkReply, ...errorReplies(...authErrors, 413) },
      },
    },
    async (request) => {
      const body = request.body
      const results = typeof body === 'string' ? orders.createFromNdjson(body) : orders.createMany(body)
      const count = (status: string) => results.filter((r) => r.status === status).length
      return { created: count('created'), existing: count('existing'), failed: count('error'), results }
    },
  )

  app.get(
    '',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      schema: {
        tags: ['orders'],
        summary: 'Orders in creation order, a page at a time (admin, ops; merchant: own)',
        security: bearer,
        querystring: listQuery,
        response: { 200: orderPage, ...errorReplies(...authErrors) },
      },
    },
    async (request) => {
      const { after, limit } = request.query
      const found = orders.listOrders({ after, limit }, scopeOf(request.principal))
      return { items: found.items.map(orderView), next: found.next }
    },
  )

  app.get(
    '/:id',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      schema: {
        tags: ['orders'],
        summary: 'One order with the waybills carrying it (admin, ops; merchant: own)',
        security: bearer,
        params,
        response: { 200: order, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => {
      const found = orders.getOrder(request.params.id, scopeOf(request.principal))
      if (!found) throw new AppError('NOT_FOUND', `no order ${request.params.id}`)
      return orderView(found)
    },
  )

  app.post(
    '/:id/split',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      schema: {
        tags: ['orders'],
        summary: 'Split the order into several waybills before pickup (admin, ops; merchant: own)',
        security: bearer,
        params,
        body: splitInput,
        response: { 200: regroupResult, ...errorReplies(...authErrors, 404, 409) },
      },
    },
    async (request) => {
      const principal = request.principal as Principal
      const result = orders.split(request.params.id, request.body, scopeOf(principal))
      request.log.info(
        { orderId: request.params.id, waybills: result.waybills.length, by: principal.id },
        'split',
      )
      return { waybills: result.waybills.map(waybillView), cancelled: result.cancelled }
    },
  )
}
