/**
 * Remembers successful secret verifications so that a reconnect storm does not re-run scrypt per connection.
 * An entry is keyed by device id and holds the stored hash it was verified against and a keyed digest
 * (HMAC-SHA256 under a per-process random key) of the secret, never the secret itself. It is used only while
 * the stored hash is unchanged, so a rotated secret misses even before `forget()`. Verifications of the same
 * (device, stored hash, secret) that are running at the same time share one scrypt.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { verifySecret } from '../../src/auth/secrets.js'

interface Entry {
  secretHash: string
  digest: Buffer
}

export class CredentialCache {
  private readonly key = randomBytes(32)
  private readonly entries = new Map<string, Entry>()
  private readonly running = new Map<string, Promise<boolean>>()
  /** Bumped by `forget()`: a verification that started before it does not fill the cache after it. */
  private readonly epochs = new Map<string, number>()

  constructor(private readonly maxEntries = 50_000) {}

  /** True when `secret` matches `secretHash`, the stored hash of `deviceId`. */
  async verify(deviceId: string, secret: Buffer, secretHash: string): Promise<boolean> {
    const digest = createHmac('sha256', this.key).update(deviceId).update('\0').update(secret).digest()
    const hit = this.entries.get(deviceId)
    if (hit && hit.secretHash === secretHash && timingSafeEqual(hit.digest, digest)) return true
    const epoch = this.epochs.get(deviceId) ?? 0
    const key = `${deviceId}\0${secretHash}\0${digest.toString('base64')}`
    let verification = this.running.get(key)
    if (!verification) {
      verification = verifySecret(secret.toString('utf8'), secretHash).finally(() => this.running.delete(key))
      this.running.set(key, verification)
    }
    const ok = await verification
    if (ok && (this.epochs.get(deviceId) ?? 0) === epoch) this.remember(deviceId, { secretHash, digest })
    return ok
  }

  /** Drops what is known about a device (disabled, secret rotated). */
  forget(deviceId: string): void {
    this.entries.delete(deviceId)
    this.epochs.set(deviceId, (this.epochs.get(deviceId) ?? 0) + 1)
  }

  get size(): number {
    return this.entries.size
  }

  private remember(deviceId: string, entry: Entry): void {
    this.entries.delete(deviceId)
    this.entries.set(deviceId, entry)
    // Maps iterate in insertion order: the first key is the least recently verified.
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
  }
}
