/**
 * API bearer tokens. A generated token is `cc_<id>_<secret>`: the id (16 hex digits) finds the row, the secret is
 * 256 random bits. Only a SHA-256 hash is stored: a slow hash buys nothing against a 256-bit random secret, and
 * a fast one keeps every request's check cheap. An operator-configured admin token (any format, ≥ 16
 * characters) is stored the same way under the fixed id `configured-admin`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { AppError } from '../errors.js'
import type { Database } from '../store/database.js'

export const roles = ['admin', 'ops', 'merchant'] as const
export type Role = (typeof roles)[number]

/** Who a verified token speaks for. `merchant` is set for merchant tokens only. */
export interface Principal {
  id: string
  role: Role
  merchant: string | null
}

/** A token as listed: never its hash. Times are epoch ms. */
export interface TokenInfo extends Principal {
  label: string
  createdAt: number
  revokedAt: number | null
}

interface TokenRow {
  id: string
  role: Role
  merchant: string | null
  label: string
  token_hash: string
  created_at: number
  revoked_at: number | null
}

export const CONFIGURED_ADMIN_ID = 'configured-admin'
const GENERATED = /^cc_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/

function hashToken(token: string): string {
  return `sha256$${createHash('sha256').update(token, 'utf8').digest('base64url')}`
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function toInfo(row: TokenRow): TokenInfo {
  return {
    id: row.id,
    role: row.role,
    merchant: row.merchant,
    label: row.label,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  }
}

export class TokenRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Makes sure an admin can log in. With a configured token: stores (or updates) its hash as `configured-admin`
   * and returns null; a revocation of that same value is respected, a new value replaces it. Without one: when
   * no usable admin token exists, generates one and returns its plaintext, which the caller prints once.
   */
  ensureAdmin(configured?: string): string | null {
    if (configured !== undefined) {
      const hash = hashToken(configured)
      const row = this.row(CONFIGURED_ADMIN_ID)
      if (row && sameHash(row.token_hash, hash) && row.role === 'admin') return null
      this.db
        .prepare(
          `INSERT INTO api_tokens (id, role, merchant, label, token_hash, created_at, revoked_at)
           VALUES (?, 'admin', NULL, 'configured admin token', ?, ?, NULL)
           ON CONFLICT (id) DO UPDATE SET role = 'admin', merchant = NULL, token_hash = excluded.token_hash,
             created_at = excluded.created_at, revoked_at = NULL`,
        )
        .run(CONFIGURED_ADMIN_ID, hash, this.clock())
      return null
    }
    if (this.activeAdmins() > 0) return null
    return this.create({ role: 'admin', label: 'generated at first start' }).token
  }

  /** Creates a token; its plaintext is returned here only. Merchant tokens name their merchant, others none. */
  create(input: { role: Role; merchant?: string; label?: string }): { id: string; token: string } {
    const merchant = input.merchant ?? null
    if ((input.role === 'merchant') !== (merchant !== null)) {
      throw new AppError('VALIDATION_FAILED', 'a merchant token needs a merchant; other roles take none')
    }
    const id = randomBytes(8).toString('hex')
    const token = `cc_${id}_${randomBytes(32).toString('base64url')}`
    this.db
      .prepare(
        `INSERT INTO api_tokens (id, role, merchant, label, token_hash, created_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, NULL)`,
      )
      .run(id, input.role, merchant, input.label ?? '', hashToken(token), this.clock())
    return { id, token }
  }

  /** The principal of a live token, or null for an unknown, malformed or revoked one. Never throws on input. */
  verify(token: string): Principal | null {
    const hash = hashToken(token)
    const id = GENERATED.exec(token)?.[1]
    // A configured admin token may have any format, even one that looks generated: try it second.
    for (const candidate of id ? [id, CONFIGURED_ADMIN_ID] : [CONFIGURED_ADMIN_ID]) {
      const row = this.row(candidate)
      if (row && row.revoked_at === null && sameHash(row.token_hash, hash)) {
        return { id: row.id, role: row.role, merchant: row.merchant }
      }
    }
    return null
  }

  /** Every token, live and revoked, oldest first. */
  list(): TokenInfo[] {
    return this.db.prepare<[], TokenRow>('SELECT * FROM api_tokens ORDER BY created_at, id').all().map(toInfo)
  }

  get(id: string): TokenInfo | null {
    const row = this.row(id)
    return row ? toInfo(row) : null
  }

  /**
   * Revokes a token at once (idempotent). Refuses to revoke the last live admin token, which would lock every
   * administrator out until a restart generates a new one.
   */
  revoke(id: string): TokenInfo {
    const row = this.row(id)
    if (!row) throw new AppError('NOT_FOUND', `no token ${id}`)
    if (row.revoked_at !== null) return toInfo(row)
    if (row.role === 'admin' && this.activeAdmins() <= 1) {
      throw new AppError('CONFLICT', 'this is the last live admin token; create another admin token first')
    }
    this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run(this.clock(), id)
    return this.get(id) as TokenInfo
  }

  private row(id: string): TokenRow | undefined {
    return this.db.prepare<[string], TokenRow>('SELECT * FROM api_tokens WHERE id = ?').get(id)
  }

  private activeAdmins(): number {
    const row = this.db
      .prepare<[], { n: number }>(
        "SELECT count(*) AS n FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL",
      )
      .get()
    return row?.n ?? 0
  }
}
