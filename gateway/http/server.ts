/**
 * The HTTP API: built here, listened on by the gateway (tests call `inject()` instead). The order below is the
 * request's path: request id and token resolution, then the route's own guard, validation and handler, then one
 * error shape for every failure. Routes are plugins, one per resource.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { AppError } from '../../src/errors.js'
import { redactPaths } from '../../src/log.js'
import { authenticate } from './auth.js'
import type { HttpDeps } from './deps.js'
import { errorHandler, notFoundHandler } from './errors.js'
import { registerOpenApi } from './openapi.js'
import { alertRoutes } from './routes/alerts.js'
import { deadLetterRoutes } from './routes/dead-letters.js'
import { deviceRoutes } from './routes/devices.js'
import { eventRoutes } from './routes/events.js'
import { healthRoutes } from './routes/health.js'
import { metricsRoutes } from './routes/metrics.js'
import { orderRoutes } from './routes/orders.js'
import { outboxRoutes } from './routes/outbox.js'
import { platformRoutes } from './routes/platforms.js'
import { profileRoutes } from './routes/profiles.js'
import { readingRoutes } from './routes/readings.js'
import { tokenRoutes } from './routes/tokens.js'
import { trailRoutes } from './routes/trail.js'
import { waybillRoutes } from './routes/waybills.js'

export type { BrokerControl, HttpDeps } from './deps.js'

export function buildHttp(deps: HttpDeps): FastifyInstance {
  // The root logger redacts credentials already; restated here so the API's logger is safe on its own.
  const log: FastifyBaseLogger = deps.log.child(
    {},
    {
      redact: {
        paths: [...redactPaths, 'req.headers.cookie', 'res.headers["set-cookie"]'],
        censor: '[redacted]',
      },
    },
  )
  // Fastify's own 503-on-closing reply has another shape; SHUTTING_DOWN below keeps the one error shape.
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: deps.config.http.bodyLimitBytes,
    return503OnClosing: false,
  })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler(errorHandler)
  app.setNotFoundHandler(notFoundHandler)

  app.decorateRequest('principal', null)
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
    if (closing) throw new AppError('SHUTTING_DOWN')
  })
  app.addHook('onRequest', authenticate(deps.tokens))
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    deps.metrics.httpRequestSeconds
      .labels({ method: request.method, route, status: String(reply.statusCode) })
      .observe(reply.elapsedTime / 1000)
  })

  registerOpenApi(app)
  const api = app.withTypeProvider<ZodTypeProvider>()
  api.register(healthRoutes, { deps })
  api.register(metricsRoutes, { deps })
  api.register(deviceRoutes, { deps, prefix: '/api/v1/devices' })
  api.register(readingRoutes, { deps, prefix: '/api/v1/devices' })
  api.register(deadLetterRoutes, { deps, prefix: '/api/v1/dead-letters' })
  api.register(tokenRoutes, { deps, prefix: '/api/v1/tokens' })
  const { alerts, events } = deps
  if (alerts && events) {
    api.register(alertRoutes, { deps: { ...deps, alerts, events }, prefix: '/api/v1/alerts' })
    api.register(eventRoutes, { deps: { ...deps, alerts, events }, prefix: '/api/v1/events' })
  }
  const { orders, monitor } = deps
  if (orders && monitor) {
    const od = { ...deps, orders, monitor }
    api.register(orderRoutes, { deps: od, prefix: '/api/v1/orders' })
    api.register(waybillRoutes, { deps: od, prefix: '/api/v1/waybills' })
    api.register(profileRoutes, { deps: od, prefix: '/api/v1/profiles' })
    api.register(trailRoutes, { deps: od, prefix: '/api/v1' })
  }
  const { writeback } = deps
  if (writeback) {
    api.register(platformRoutes, { deps: { ...deps, writeback }, prefix: '/api/v1/platforms' })
    api.register(outboxRoutes, { deps: { ...deps, writeback }, prefix: '/api/v1/outbox' })
  }
  return app
}
