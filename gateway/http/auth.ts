/**
 * Bearer-token authentication (RFC 6750). A root hook resolves the token, if any, to `request.principal`; each
 * protected route declares the roles it admits with `requireRole`. Routes without it (health, metrics, docs)
 * ignore the header entirely, so a stale token never breaks a probe.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Principal, Role, TokenRepository } from '../../src/auth/tokens.js'
import { AppError } from '../../src/errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified token's principal; null when no valid bearer token came with the request. */
    principal: Principal | null
  }
}

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i

/** Root `onRequest` hook: never rejects, only resolves; rejection is the route's decision. */
export function authenticate(tokens: TokenRepository) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization
    const token = header ? BEARER.exec(header)?.[1] : undefined
    request.principal = token ? tokens.verify(token) : null
  }
}

/**
 * The route's guard: 401 without a valid token, 403 when its role is not admitted. Used as the route's
 * `onRequest` hook rather than `preHandler`, so a caller without access is refused before its body is read.
 */
export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const principal = request.principal
    if (!principal) {
      // [RFC 6750 §3] a 401 names the scheme the client must use.
      reply.header('www-authenticate', 'Bearer realm="coldchain-gateway"')
      throw new AppError('UNAUTHENTICATED', 'a valid bearer token is required')
    }
    if (!roles.includes(principal.role)) {
      throw new AppError(
        'FORBIDDEN',
        `this needs the role ${roles.join(' or ')}; the token has ${principal.role}`,
      )
    }
  }
}
