/**
 * The fleet simulator's command line:  node --import tsx simulator/cli.ts <command> [options]
 * (npm run simulate -- <command> ...). Commands: run, load, score, list. See `--help`.
 */
import { parseArgs } from 'node:util'
import { loadCommand } from './fleet/load/load-command.js'
import { runScenarios } from './fleet/run-command.js'
import { scoreCommand } from './fleet/scoring/score-command.js'
import { scenarios } from './scenarios/index.js'

const help = `Cold-chain fleet simulator: trucks, boxes and scanners as real MQTT clients, with ground truth.

Usage: npm run simulate -- <command> [options]

  run      play scenarios against a gateway and write their ground truth
  load     many devices at a set rate; prints what was sent and acknowledged (JSON)
  score    compare a gateway's alerts with a ground-truth file
  list     the scenarios

run:
  --scenario <a,b,...>      scenarios to mix (default normal-day; see list)
  --gateway <url>           gateway HTTP API, e.g. http://127.0.0.1:8080
  --mqtt <url>              gateway broker, e.g. mqtt://127.0.0.1:1883
  --token <admin token>     bearer token (or env CC_SIM_TOKEN)
  --sandbox <url>           platform sandbox, for platform-outage's fault injection
  --seed <n>                random seed (default 42): same seed, same published series
  --speed <x>               simulated seconds per real second (default 60)
  --as-fast-as-possible     no pacing: as fast as the broker acknowledges
  --start <iso>             start of simulated time (default: latest 06:00 UTC+8 keeping the run in the past;
                            the gateway refuses device times in the future or older than 30 days)
  --duration <d>            simulated length, e.g. 8h (default: the longest scenario)
  --run-id <id>             prefix of every id (default: from the clock; ids must differ between runs)
  --out <file>              write the ground truth JSON here
  --dry-run                 no gateway: publish into memory, just compute the truth

load:
  --devices <n>             default 100
  --rate <n>[/s]            messages per second, all devices together (default 1000)
  --duration <d>            default 30s
  --qos <0|1>               default 1
  --batch <n>               readings per message (default 1)
  --mqtt <url> --gateway <url> --token <t>
  --secrets <file>          cache of device secrets (read, and written after registering)
  --prefix <p>              device id prefix (default load-)

score:
  --truth <file> --gateway <url> --token <t>
  --tolerance <d>           start-time tolerance when matching (default 10m)
  --json                    print the report as JSON too

Durations: 1500ms, 30s, 10m, 2h. Exit codes: 0 ok, 1 error, 2 usage, 3 score found misses or false alarms.`

/** `30s`, `10m`, `2h`, `1500ms`; a bare number is in `unit`. */
export function parseDuration(text: string, unit: 'ms' | 's' | 'm' | 'h' = 'ms'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!m) throw new UsageError(`not a duration: ${text}`)
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? unit) as 'ms' | 's' | 'm' | 'h']
  return Math.round(Number(m[1]) * factor)
}

class UsageError extends Error {}

function int(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback
  const n = Number(text.replace(/\/s$/, ''))
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} wants a number, got ${text}`)
  return n
}

const err = (line: string) => process.stderr.write(`${line}\n`)

async function main(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      scenario: { type: 'string' },
      gateway: { type: 'string' },
      mqtt: { type: 'string' },
      token: { type: 'string' },
      sandbox: { type: 'string' },
      seed: { type: 'string' },
      speed: { type: 'string' },
      'as-fast-as-possible': { type: 'boolean' },
      start: { type: 'string' },
      duration: { type: 'string' },
      'run-id': { type: 'string' },
      out: { type: 'string' },
      'dry-run': { type: 'boolean' },
      devices: { type: 'string' },
      rate: { type: 'string' },
      qos: { type: 'string' },
      batch: { type: 'string' },
      secrets: { type: 'string' },
      prefix: { type: 'string' },
      truth: { type: 'string' },
      tolerance: { type: 'string' },
      json: { type: 'boolean' },
    },
  })
  const command = positionals[0]
  if (v.help || !command || command === 'help') {
    process.stdout.write(`${help}\n`)
    return command || v.help ? 0 : 2
  }
  const token = v.token ?? process.env['CC_SIM_TOKEN']
  switch (command) {
    case 'list':
      for (const s of scenarios)
        process.stdout.write(`${s.name.padEnd(22)} ${String(s.durationH).padStart(2)} h  ${s.summary}\n`)
      return 0
    case 'run': {
      const speed = v['as-fast-as-possible'] ? ('max' as const) : int(v.speed, 'speed', 60)
      if (speed !== 'max' && speed <= 0) throw new UsageError('--speed must be positive')
      const start = v.start === undefined ? undefined : Date.parse(v.start)
      if (start !== undefined && !Number.isFinite(start))
        throw new UsageError(`--start is not a date: ${v.start}`)
      await runScenarios({
        scenarios: (v.scenario ?? 'normal-day')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        seed: int(v.seed, 'seed', 42),
        speed,
        gateway: v.gateway,
        mqtt: v.mqtt,
        token,
        sandbox: v.sandbox,
        start,
        durationMs: v.duration === undefined ? undefined : parseDuration(v.duration, 'h'),
        runId: v['run-id'],
        out: v.out,
        dryRun: v['dry-run'] ?? false,
        log: err,
      })
      return 0
    }
    case 'load': {
      if (!v.mqtt) throw new UsageError('load needs --mqtt')
      const qos = int(v.qos, 'qos', 1)
      if (qos !== 0 && qos !== 1) throw new UsageError('--qos is 0 or 1')
      const report = await loadCommand({
        devices: int(v.devices, 'devices', 100),
        rate: int(v.rate, 'rate', 1000),
        durationMs: parseDuration(v.duration ?? '30s', 's'),
        qos,
        batch: Math.max(1, int(v.batch, 'batch', 1)),
        mqtt: v.mqtt,
        gateway: v.gateway,
        token,
        secrets: v.secrets,
        prefix: v.prefix ?? 'load-',
        drainMs: 10_000,
      })
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
      return 0
    }
    case 'score': {
      if (!v.truth || !v.gateway || !token) throw new UsageError('score needs --truth, --gateway and --token')
      const toleranceMs = parseDuration(v.tolerance ?? '10m', 'm')
      const report = await scoreCommand({ truth: v.truth, gateway: v.gateway, token, toleranceMs }, (l) =>
        process.stdout.write(`${l}\n`),
      )
      if (v.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
      return report.ok ? 0 : 3
    }
    default:
      throw new UsageError(`unknown command ${command}`)
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    err(`${usage ? 'usage: ' : ''}${e instanceof Error ? e.message : String(e)}`)
    if (usage) err('see --help')
    process.exitCode = usage ? 2 : 1
  },
)
