/**
 * `npm run sandbox -- --port 9300`: the platform sandbox on its own, for demos and manual runs.
 * Credentials come from a JSON file (`--credentials file.json`, per-platform overrides of the demo ones).
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { routes } from './platforms/index.js'
import { startSandbox } from './sandbox.js'

const usage = `Usage: node --import tsx simulator/sandbox/main.ts [options]

Plays every writeback platform over HTTP, verifying signatures as each platform does.

Options:
  --port <n>            port to listen on (default 9300; 0 = any free port)
  --host <addr>         address to bind (default 127.0.0.1)
  --credentials <file>  JSON with per-platform credential overrides, e.g. {"taobao":{"appSecret":"…"}}
  --help                this text

Control API: GET /_sandbox/requests?platform=&waybill=, POST /_sandbox/faults, DELETE /_sandbox/faults,
POST /_sandbox/reset (see simulator/sandbox/control.ts).`

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9300' },
    host: { type: 'string', default: '127.0.0.1' },
    credentials: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})

if (values.help) {
  process.stdout.write(`${usage}\n`)
  process.exit(0)
}

const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`invalid --port ${values.port}\n`)
  process.exit(2)
}

const credentials = values.credentials ? JSON.parse(readFileSync(values.credentials, 'utf8')) : undefined
const sandbox = await startSandbox({ port, host: values.host, credentials })
process.stdout.write(`sandbox listening on ${sandbox.url}\n`)
for (const r of routes) process.stdout.write(`  ${r.platform.padEnd(10)} POST ${sandbox.url}${r.example}\n`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
