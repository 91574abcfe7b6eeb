/**
 * API tokens (admin only). A new token's plaintext is in the create reply only; lists never carry hashes.
 * Revoking keeps the row, so who held which role stays on record.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { roles, type TokenInfo } from '../../../src/auth/tokens.js'
import { requireRole } from '../auth.js'
import type { HttpDeps } from '../deps.js'
import { authErrors, bearer, errorReplies, iso, isoTime } from '../schemas.js'

const label = z.string().max(200).optional()
const creation = z.discriminatedUnion('role', [
  z.strictObject({ role: z.enum(['admin', 'ops']), label }),
  z.strictObject({
    role: z.literal('merchant'),
    merchant: z.string().min(1).max(128).describe('The merchant whose orders the token may see'),
    label,
  }),
])

const token = z
  .object({
    id: z.string(),
    role: z.enum(roles),
    merchant: z.string().nullable(),
    label: z.string(),
    createdAt: isoTime,
    revokedAt: isoTime.nullable(),
  })
  .meta({ id: 'Token' })

const created = token
  .extend({ token: z.string().describe('The bearer token. Shown once: only its hash is kept.') })
  .meta({ id: 'CreatedToken' })

const params = z.object({ id: z.string().min(1).max(64) })

function view(t: TokenInfo) {
  return { ...t, createdAt: iso(t.createdAt), revokedAt: t.revokedAt === null ? null : iso(t.revokedAt) }
}

export const tokenRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const { tokens } = deps
  app.addHook('onRequest', requireRole('admin'))

  app.post(
    '',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Create a token; the reply holds it, shown once (admin)',
        security: bearer,
        body: creation,
        response: { 201: created, ...errorReplies(...authErrors) },
      },
    },
    async (request, reply) => {
      const { id, token: plaintext } = tokens.create(request.body)
      request.log.info({ tokenId: id, role: request.body.role, by: request.principal?.id }, 'token created')
      return reply.code(201).send({ ...view(tokens.get(id) as TokenInfo), token: plaintext })
    },
  )

  app.get(
    '',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Every token, live and revoked, oldest first (admin)',
        security: bearer,
        response: { 200: z.object({ items: z.array(token) }), ...errorReplies(...authErrors) },
      },
    },
    async () => ({ items: tokens.list().map(view) }),
  )

  app.delete(
    '/:id',
    {
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token at once; the last live admin token cannot be revoked (admin)',
        security: bearer,
        params,
        response: { 200: token, ...errorReplies(...authErrors, 404, 409) },
      },
    },
    async (request) => {
      const revoked = tokens.revoke(request.params.id)
      request.log.info({ tokenId: revoked.id, by: request.principal?.id }, 'token revoked')
      return view(revoked)
    },
  )
}
