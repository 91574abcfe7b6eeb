/** The demo's command line: flags, their defaults and the help text. */
import { parseArgs } from 'node:util'
import { scenarios as known } from '../../simulator/scenarios/index.js'

/** The scenario mix played when `--scenario` is not given. */
export const defaultMix = [
  'normal-day',
  'reefer-failure',
  'box-offline-backfill',
  'door-left-open',
  'stalled-at-hub',
  'sensor-fault',
]

export interface DemoOptions {
  help: boolean
  scenarios: string[]
  /** Simulated seconds per real second. */
  speed: number
  seed: number
  /** Real time the demo runs once everything is up; null runs until Ctrl-C. */
  durationMs: number | null
  /** `default`: 1883/8080/9080, each falling back to a free port when taken; `free`: free ports only. */
  ports: 'default' | 'free'
  /** Data directory; null: ./data/demo-<timestamp>; `tmp`: a temporary directory removed at the end. */
  data: string | null
  /** Print the final summary as one JSON line too. */
  json: boolean
}

export const helpText = `The whole flow in one command: the gateway, the platform sandbox and a simulated fleet.

Usage: npm run demo -- [options]

  --scenario <a,b,...>   scenarios to mix; \`npm run simulate -- list\` shows them all. Default:
                         ${defaultMix.join(',')}
  --speed <x>            simulated seconds per real second (default 120: a 16 h day in 8 min)
  --seed <n>             random seed of the fleet (default 42): same seed, same traffic
  --duration <d>         stop by itself after this long once running, e.g. 90s, 10m (default: until Ctrl-C)
  --ports <default|free> default: MQTT 1883, HTTP 8080, WebSocket 9080, a free port for any already taken;
                         free: free ports only (default default)
  --data <dir|tmp>       gateway data directory (default ./data/demo-<timestamp>, kept afterwards);
                         tmp: a temporary directory, removed when the demo stops
  --json                 also print the final summary as one JSON line
  -h, --help             this text

The fleet replays a past day at --speed, its clocks hours behind the gateway's. The gateway's gap tick and
stall sweep measure silence in real time since it last heard from a sensor or about a parcel, so at --speed a
silence is too short to be raised live (a data gap still shows once the readings after it arrive).
Everything listens on 127.0.0.1 only. Ctrl-C (or SIGTERM) stops the fleet, the gateway and the sandbox, prints a
summary and exits 0. Exit codes: 0 ok, 1 a part failed, 2 usage.`

/** A command-line mistake: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

/** `1500ms`, `30s`, `10m`, `2h`; a bare number is seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!m) throw new UsageError(`not a duration: ${text}`)
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h']
  return Math.round(Number(m[1]) * factor)
}

function numberFlag(text: string | undefined, name: string, fallback: number, min: number): number {
  if (text === undefined) return fallback
  const n = Number(text)
  if (text.trim() === '' || !Number.isFinite(n) || n < min)
    throw new UsageError(`--${name} wants a number of at least ${min}, got ${text}`)
  return n
}

export function parseDemoArgs(argv: string[]): DemoOptions {
  let values: ReturnType<typeof parse>['values']
  try {
    values = parse(argv).values
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const ports = values.ports ?? 'default'
  if (ports !== 'default' && ports !== 'free')
    throw new UsageError(`--ports is default or free, got ${ports}`)
  const scenarios = (values.scenario ?? defaultMix.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (scenarios.length === 0) throw new UsageError('--scenario names no scenario')
  const names = known.map((s) => s.name)
  const unknown = scenarios.filter((s) => !names.includes(s))
  if (unknown.length > 0)
    throw new UsageError(`unknown scenario ${unknown.join(', ')}; known: ${names.join(', ')}`)
  return {
    help: values.help ?? false,
    scenarios,
    speed: numberFlag(values.speed, 'speed', 120, 0.001),
    seed: Math.floor(numberFlag(values.seed, 'seed', 42, 0)),
    durationMs: values.duration === undefined ? null : parseDuration(values.duration),
    ports,
    data: values.data ?? null,
    json: values.json ?? false,
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      scenario: { type: 'string' },
      speed: { type: 'string' },
      seed: { type: 'string' },
      duration: { type: 'string' },
      ports: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean' },
    },
  })
}
