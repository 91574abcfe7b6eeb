/**
 * `npm run demo`, run briefly as a new user would (a child process, free ports, a temporary data directory, the
 * fleet at high speed, a small scenario mix to stay quick on a busy machine): tracking nodes reach the platform
 * sandbox, Ctrl-C stops it with exit code 0 and a summary, and it leaves no process behind. --duration is the
 * backstop should nothing arrive.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

interface DemoSummary {
  readings: number
  delivered: Record<string, number>
  gatewayDelivered: Record<string, number>
  gatewayPid: number | null
  gatewayExit: { code: number | null; signal: string | null } | null
  ok: boolean
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Resolves with the first capture of `pattern` in the output so far or to come. */
function waitFor(output: () => string, pattern: RegExp, child: ChildProcess, ms: number): Promise<string> {
  const deadline = Date.now() + ms
  return new Promise((resolvePromise, reject) => {
    const timer = setInterval(() => {
      const m = pattern.exec(output())
      if (m) {
        clearInterval(timer)
        resolvePromise(m[1] ?? m[0])
      } else if (child.exitCode !== null || Date.now() > deadline) {
        clearInterval(timer)
        reject(new Error(`no ${pattern} in the demo's output:\n${output()}`))
      }
    }, 100)
  })
}

async function acceptedBySandbox(sandboxUrl: string, platform: string): Promise<number> {
  const res = await fetch(`${sandboxUrl}/_sandbox/requests?outcome=accepted&platform=${platform}`)
  return ((await res.json()) as { count: number }).count
}

describe('npm run demo', () => {
  let demo: ChildProcess | null = null
  let gatewayPid: number | null = null
  afterAll(() => {
    // Only when an assertion failed half-way: nothing may outlive the test.
    if (demo?.exitCode === null) demo.kill('SIGKILL')
    if (gatewayPid !== null && alive(gatewayPid)) process.kill(gatewayPid, 'SIGKILL')
  })

  it('delivers nodes to the sandbox, stops on Ctrl-C with exit 0 and leaves no process behind', async () => {
    const started = Date.now()
    let stdout = ''
    let stderr = ''
    demo = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/demo.ts',
        '--scenario',
        'reefer-failure,door-left-open,sensor-fault',
        '--duration',
        '40s',
        '--ports',
        'free',
        '--speed',
        '1800',
        '--data',
        'tmp',
        '--json',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    )
    demo.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
    })
    demo.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    const exited = new Promise<number | null>((r) => demo?.once('exit', (code) => r(code)))
    const out = () => stdout

    gatewayPid = Number(await waitFor(out, /gateway\s+pid (\d+)/, demo, 40_000))
    const sandboxUrl = await waitFor(out, /(http:\/\/127\.0\.0\.1:\d+)\/_sandbox\/requests/, demo, 5_000)
    const dataDir = await waitFor(out, /data\s+(\S+) \(temporary/, demo, 5_000)
    // The sandbox's own record, read over HTTP while the demo runs; then Ctrl-C.
    let accepted = 0
    while (accepted === 0 && demo.exitCode === null) {
      accepted = await acceptedBySandbox(sandboxUrl, 'kdniao').catch(() => 0)
      if (accepted === 0) await new Promise((r) => setTimeout(r, 500))
    }
    expect(accepted, stdout).toBeGreaterThan(0)
    demo.kill('SIGINT')

    const code = await exited
    expect(code, `${stdout}\n${stderr}`).toBe(0)
    const line = stdout.split('\n').find((l) => l.startsWith('{"summary"'))
    expect(line, stdout).toBeDefined()
    const summary = (JSON.parse(line as string) as { summary: DemoSummary }).summary
    expect(summary.ok).toBe(true)
    expect(summary.readings).toBeGreaterThan(0)
    expect(summary.delivered['kdniao'] ?? 0).toBeGreaterThanOrEqual(accepted)
    expect(summary.gatewayPid).toBe(gatewayPid)
    expect(summary.gatewayExit).toEqual({ code: 0, signal: null })
    expect(stdout).toMatch(/stopping \(SIGINT\)/)

    expect(alive(gatewayPid)).toBe(false)
    expect(existsSync(dataDir)).toBe(false)
    expect(Date.now() - started).toBeLessThan(60_000)
  }, 75_000)
})
