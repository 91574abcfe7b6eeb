/**
 * The OpenAPI document, generated from the routes' zod schemas, at `/openapi.json`, and Swagger UI at `/docs`.
 * The UI's assets ship inside @fastify/swagger-ui and are served by the gateway itself: no CDN, and its spec
 * validator badge (which would call an outside service) stays off.
 */
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod'

type Document = ReturnType<typeof jsonSchemaTransformObject>

/**
 * The schema transform emits every schema with an id twice (as request input and as reply output) whether a
 * route uses it that way or not; keep only the components some route (or kept component) refers to.
 */
function pruneUnusedSchemas(document: Document): Document {
  const { components, ...rest } = document as { components?: { schemas?: Record<string, unknown> } }
  const schemas = components?.schemas ?? {}
  const used = new Set<string>()
  let pending = [JSON.stringify(rest)]
  while (pending.length > 0) {
    const found = [...pending.join('').matchAll(/#\/components\/schemas\/([\w.-]+)/g)].map(
      (m) => m[1] as string,
    )
    const fresh = [...new Set(found)].filter((name) => !used.has(name) && name in schemas)
    for (const name of fresh) used.add(name)
    pending = fresh.map((name) => JSON.stringify(schemas[name]))
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)))
  return { ...rest, components: { ...components, schemas: kept } } as Document
}

/** Registers on the root instance, before the routes, so the document sees every route. */
export function registerOpenApi(app: FastifyInstance): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Cold-chain gateway API',
        description:
          'Devices, their readings and dead letters, and API tokens. Errors are `{ code, message, details? }` ' +
          'with a stable code from the error catalogue.',
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token (admin, ops, merchant)' },
        },
      },
      tags: [
        { name: 'health', description: 'Probes and metrics (no token)' },
        { name: 'devices', description: 'The device registry and device credentials' },
        { name: 'readings', description: 'Raw telemetry as stored' },
        { name: 'dead-letters', description: 'Device input the gateway refused, with the reason' },
        { name: 'tokens', description: 'API tokens and their roles' },
      ],
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => pruneUnusedSchemas(jsonSchemaTransformObject(document)),
  })
  app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}
