import { fdatasync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { WalSync } from '../../../src/store/wal-sync.js'

function logFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cc-walsync-')), 'gateway.db-wal')
  writeFileSync(path, 'frames')
  return path
}

describe('the WAL sync', () => {
  it('runs one fdatasync at a time, and the callers arriving meanwhile share the next', async () => {
    let calls = 0
    const held: (() => void)[] = []
    const datasync = ((fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => {
      calls++
      held.push(() => fdatasync(fd, cb))
    }) as typeof fdatasync
    const wal = new WalSync(logFile(), datasync)
    const first = wal.sync()
    const second = wal.sync()
    const third = wal.sync()
    expect(calls).toBe(1)
    held.shift()?.()
    await first
    // The first may have begun before the others' commits were written: they need a sync of their own.
    await new Promise((resolve) => setImmediate(resolve))
    expect(calls).toBe(2)
    held.shift()?.()
    await Promise.all([second, third])
    expect(calls).toBe(2)
    await wal.close()
  })

  it('fails the callers when the log cannot be opened, and tries again on the next call', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cc-walsync-')), 'gateway.db-wal')
    const wal = new WalSync(path)
    await expect(wal.sync()).rejects.toMatchObject({ code: 'ENOENT' })
    writeFileSync(path, 'frames')
    await wal.sync()
    await wal.close()
  })
})
