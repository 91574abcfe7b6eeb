/**
 * Probes for the orchestrator, without a token. Liveness answers while the process can serve HTTP at all;
 * readiness also needs the store to answer a query and the MQTT broker to accept devices, so traffic is only
 * routed to a gateway that can take it.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { HttpDeps } from '../deps.js'

const liveness = z.object({ status: z.literal('ok') })
const readiness = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ store: z.boolean(), broker: z.boolean() }),
  })
  .meta({ id: 'Readiness' })

export const healthRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const storeAnswers = (): boolean => {
    try {
      return deps.db.prepare('SELECT 1 AS ok').get() !== undefined
    } catch {
      return false
    }
  }

  app.get(
    '/healthz',
    { schema: { tags: ['health'], summary: 'Liveness', response: { 200: liveness } } },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: the store answers and the broker accepts devices',
        response: { 200: readiness, 503: readiness },
      },
    },
    async (_request, reply) => {
      const checks = { store: storeAnswers(), broker: deps.broker.ready }
      const ready = checks.store && checks.broker
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks })
    },
  )
}
