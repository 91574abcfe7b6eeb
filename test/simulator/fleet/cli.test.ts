import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseGroundTruth } from '../../../simulator/ground-truth.js'

interface Outcome {
  code: number
  stdout: string
  stderr: string
}

/** Runs the CLI in a child process; every invocation starts at once so the file costs one tsx start-up. */
const cli = (...args: string[]) =>
  new Promise<Outcome>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'simulator/cli.ts', ...args],
      { timeout: 20_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
      },
    )
  })

const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'))
const out = join(dir, 'truth.json')
const help = cli('--help')
const dryRun = cli(
  'run',
  '--scenario',
  'sensor-fault',
  '--dry-run',
  '--as-fast-as-possible',
  '--seed',
  '3',
  '--duration',
  '6h',
  '--start',
  '2026-07-01T06:00:00+08:00',
  '--out',
  out,
)
const badOption = cli('run', '--bogus')

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the simulator command line', () => {
  it('prints its help', async () => {
    const { code, stdout } = await help
    expect(code).toBe(0)
    expect(stdout).toContain('Usage: npm run simulate -- <command> [options]')
    for (const c of ['run', 'load', 'score', 'list']) expect(stdout).toContain(`  ${c} `)
  })

  it('runs a scenario in memory and writes a ground truth of the asked length', async () => {
    expect((await dryRun).code).toBe(0)
    const truth = parseGroundTruth(JSON.parse(readFileSync(out, 'utf8')))
    expect(truth.seed).toBe(3)
    expect(Date.parse(truth.end) - Date.parse(truth.start)).toBe(6 * 3_600_000)
    expect(truth.scenarios).toEqual(['sensor-fault'])
  })

  it('refuses unknown options with a usage error (exit 2)', async () => {
    expect(await badOption).toMatchObject({ code: 2, stderr: expect.stringContaining('see --help') })
  })
})
