import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CONFIGURED_ADMIN_ID, TokenRepository } from '../../../src/auth/tokens.js'
import { loadConfig } from '../../../src/config.js'
import type { AppError } from '../../../src/errors.js'
import { type Database, openDatabase } from '../../../src/store/database.js'

let db: Database
let tokens: TokenRepository
let now = 1_000

beforeEach(() => {
  const config = loadConfig({}, { dataDir: '.', store: { file: ':memory:' } })
  db = openDatabase(config.dataDir, config.store)
  tokens = new TokenRepository(db, () => now)
})

afterEach(() => db.close())

function errorOf(fn: () => unknown): AppError {
  try {
    fn()
  } catch (err) {
    return err as AppError
  }
  throw new Error('expected an error')
}

describe('TokenRepository', () => {
  it('generates an admin token on the first start only and stores just its hash', () => {
    const token = tokens.ensureAdmin()
    expect(token).toMatch(/^cc_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/)
    expect(tokens.ensureAdmin()).toBeNull()
    const rows = db.prepare('SELECT * FROM api_tokens').all()
    expect(rows).toHaveLength(1)
    expect(JSON.stringify(rows)).not.toContain((token as string).split('_').at(-1))
    expect(tokens.verify(token as string)).toMatchObject({ role: 'admin', merchant: null })
  })

  it('refuses unknown, tampered, malformed and empty tokens', () => {
    const { token } = tokens.create({ role: 'ops' })
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')
    for (const bad of [tampered, `${token}x`, 'cc_0000000000000000_nope', 'garbage', '']) {
      expect(tokens.verify(bad)).toBeNull()
    }
    expect(tokens.verify(token)).toMatchObject({ role: 'ops' })
  })

  it('accepts a configured admin token of any format, idempotently, and generates none', () => {
    expect(tokens.ensureAdmin('a configured token of any shape')).toBeNull()
    expect(tokens.ensureAdmin('a configured token of any shape')).toBeNull()
    expect(tokens.list()).toHaveLength(1)
    expect(tokens.verify('a configured token of any shape')).toEqual({
      id: CONFIGURED_ADMIN_ID,
      role: 'admin',
      merchant: null,
    })
  })

  it('accepts a configured admin token that looks like a generated one', () => {
    const lookalike = `cc_0123456789abcdef_${'x'.repeat(43)}`
    tokens.ensureAdmin(lookalike)
    expect(tokens.verify(lookalike)).toMatchObject({ id: CONFIGURED_ADMIN_ID })
  })

  it('replaces the configured admin token when the configuration changes it', () => {
    tokens.ensureAdmin('the first configured value')
    tokens.ensureAdmin('the second configured value')
    expect(tokens.verify('the first configured value')).toBeNull()
    expect(tokens.verify('the second configured value')).toMatchObject({ role: 'admin' })
  })

  it('keeps a revoked configured token revoked across restarts with the same value', () => {
    tokens.ensureAdmin('configured and later leaked')
    tokens.create({ role: 'admin' })
    tokens.revoke(CONFIGURED_ADMIN_ID)
    tokens.ensureAdmin('configured and later leaked')
    expect(tokens.verify('configured and later leaked')).toBeNull()
  })

  it('gives merchant tokens their merchant and refuses a merchant on other roles', () => {
    const { token } = tokens.create({ role: 'merchant', merchant: 'm-7' })
    expect(tokens.verify(token)).toMatchObject({ role: 'merchant', merchant: 'm-7' })
    expect(errorOf(() => tokens.create({ role: 'merchant' })).code).toBe('VALIDATION_FAILED')
    expect(errorOf(() => tokens.create({ role: 'ops', merchant: 'm-7' })).code).toBe('VALIDATION_FAILED')
  })

  it('revokes a token at once and lists it with its revocation time, never its hash', () => {
    tokens.ensureAdmin()
    const { id, token } = tokens.create({ role: 'ops', label: 'night shift' })
    now = 2_000
    expect(tokens.revoke(id)).toMatchObject({ id, revokedAt: 2_000 })
    expect(tokens.revoke(id).revokedAt).toBe(2_000)
    expect(tokens.verify(token)).toBeNull()
    const listed = tokens.list().find((t) => t.id === id)
    expect(listed).toEqual({
      id,
      role: 'ops',
      merchant: null,
      label: 'night shift',
      createdAt: 1_000,
      revokedAt: 2_000,
    })
  })

  it('refuses to revoke the last live admin token and an unknown one', () => {
    tokens.ensureAdmin()
    const [only] = tokens.list()
    expect(errorOf(() => tokens.revoke(only?.id as string)).code).toBe('CONFLICT')
    tokens.create({ role: 'admin' })
    expect(tokens.revoke(only?.id as string).revokedAt).not.toBeNull()
    expect(errorOf(() => tokens.revoke('nope')).code).toBe('NOT_FOUND')
  })
})
