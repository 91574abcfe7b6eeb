/**
 * Waybills: the parcels the courier moves. Merging several orders into one waybill (one parcel for one
 * consignee; the strictest profile of the orders applies, src/orders/strictness.ts), and a waybill with its
 * tracking nodes, each with its hand-over temperature snapshot. Merchant tokens see waybills carrying their
 * own orders only.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { custodyOf } from '../../../src/custody/service.js'
import { AppError } from '../../../src/errors.js'
import { mergeInput, waybillNo } from '../../../src/orders/schemas.js'
import { requireRole } from '../auth.js'
import type { OrderDeps } from '../deps.js'
import { authErrors, bearer, errorReplies } from '../schemas.js'
import { nodeView, regroupResult, scopeOf, waybillView, waybillWithNodes } from './order-views.js'

const params = z.object({ no: waybillNo })

export const waybillRoutes: FastifyPluginAsyncZod<{ deps: OrderDeps }> = async (app, { deps }) => {
  const { orders, db } = deps
  const nodes = custodyOf(db).nodes

  app.post(
    '/merge',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      schema: {
        tags: ['waybills'],
        summary: 'Merge orders into one new waybill under the strictest of their profiles (merchant: own)',
        security: bearer,
        body: mergeInput,
        response: { 201: regroupResult, ...errorReplies(...authErrors, 404, 409) },
      },
    },
    async (request, reply) => {
      const result = orders.merge(request.body, scopeOf(request.principal))
      request.log.info(
        { orders: request.body.orderIds, waybill: result.waybills[0]?.no, by: request.principal?.id },
        'orders merged',
      )
      return reply.code(201).send({ waybills: result.waybills.map(waybillView), cancelled: result.cancelled })
    },
  )

  app.get(
    '/:no',
    {
      onRequest: requireRole('admin', 'ops', 'merchant'),
      schema: {
        tags: ['waybills'],
        summary: 'A waybill with its tracking nodes and their snapshots (admin, ops; merchant: own)',
        security: bearer,
        params,
        response: { 200: waybillWithNodes, ...errorReplies(...authErrors, 404) },
      },
    },
    async (request) => {
      const { no } = request.params
      const found = orders.getWaybill(no, scopeOf(request.principal))
      if (!found) throw new AppError('NOT_FOUND', `no waybill ${no}`)
      return { ...waybillView(found), nodes: nodes.ofWaybill(no).map(nodeView) }
    },
  )
}
