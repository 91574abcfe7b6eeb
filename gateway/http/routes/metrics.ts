/**
 * Prometheus exposition of the gateway's own registry. Unauthenticated, as scrapers usually are: the metrics
 * carry counts labelled by kind, reason code and route pattern, never device ids, payloads or secrets.
 * Deployments that expose the HTTP port beyond their network should block `/metrics` at the proxy.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { HttpDeps } from '../deps.js'

export const metricsRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const registry = deps.metrics.registry
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (text exposition format)',
        response: { 200: { content: { 'text/plain': { schema: z.string() } } } },
      },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  )
}
