/**
 * Platform credentials at rest: AES-256-GCM with a random 96-bit nonce per seal (NIST SP 800-38D §8.2.2) and the
 * target id as additional authenticated data, so a sealed blob copied onto another target's row fails to open.
 * Sealed text: `v1.` + base64url(nonce ‖ tag ‖ ciphertext).
 *
 * The key comes from `writeback.secretKey` (32 bytes, base64 or hex) or, when that is absent, from a file in
 * the data directory, generated once with mode 0600. Losing the key loses the stored credentials (re-enter
 * them); whoever reads the key and the store reads them.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import type { Config } from '../config.js'
import { AppError } from '../errors.js'

const VERSION = 'v1.'
const NONCE_BYTES = 12
const TAG_BYTES = 16
const KEY_BYTES = 32

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`an AES-256 key has ${KEY_BYTES} bytes, not ${key.length}`)
  }

  seal(plain: string, aad: string): string {
    const nonce = randomBytes(NONCE_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce)
    cipher.setAAD(Buffer.from(aad, 'utf8'))
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    return VERSION + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64url')
  }

  /** Throws when the blob was tampered with, belongs to another id, or was sealed with another key. */
  open(sealed: string, aad: string): string {
    if (!sealed.startsWith(VERSION)) throw new Error('not a sealed secret')
    const raw = Buffer.from(sealed.slice(VERSION.length), 'base64url')
    const nonce = raw.subarray(0, NONCE_BYTES)
    const tag = raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES)
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce)
    decipher.setAAD(Buffer.from(aad, 'utf8'))
    decipher.setAuthTag(tag)
    const body = raw.subarray(NONCE_BYTES + TAG_BYTES)
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8')
  }
}

/** 32 bytes from 64 hex digits or from base64 / base64url text; null when it is neither. */
export function parseKey(text: string): Buffer | null {
  const trimmed = text.trim()
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  return key.length === KEY_BYTES ? key : null
}

/** The configured key, else the data directory's key file, created (0600, exclusive) on first use. */
export function loadSecretBox(options: Config['writeback'], dataDir: string): SecretBox {
  if (options.secretKey !== undefined) {
    const key = parseKey(options.secretKey)
    if (!key) throw new AppError('CONFIG_INVALID', 'writeback.secretKey must be 32 bytes as base64 or hex')
    return new SecretBox(key)
  }
  const file = isAbsolute(options.secretKeyFile)
    ? options.secretKeyFile
    : resolve(dataDir, options.secretKeyFile)
  mkdirSync(dirname(file), { recursive: true })
  try {
    // `wx`: never overwrite a key another start wrote; 0600: readable by the gateway's user only.
    writeFileSync(file, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  const key = parseKey(readFileSync(file, 'utf8'))
  if (!key) throw new AppError('CONFIG_INVALID', `${file} does not hold a 32-byte key (base64 or hex)`)
  return new SecretBox(key)
}
