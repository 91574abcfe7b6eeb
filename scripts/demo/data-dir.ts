/** The gateway's data directory for one demo run: kept under ./data by default, or temporary. */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export interface DataDir {
  path: string
  /** Removed when the demo stops. */
  temporary: boolean
}

/** `./data/demo-20250101-093000` by default; `tmp` a fresh temporary directory; any other value that path. */
export async function prepareDataDir(choice: string | null, now = new Date()): Promise<DataDir> {
  if (choice === 'tmp') return { path: await mkdtemp(join(tmpdir(), 'cc-demo-')), temporary: true }
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-')
  const path = resolve(choice ?? join('data', `demo-${stamp}`))
  await mkdir(path, { recursive: true })
  return { path, temporary: false }
}

export async function removeDataDir(dir: DataDir): Promise<void> {
  if (dir.temporary) await rm(dir.path, { recursive: true, force: true })
}
