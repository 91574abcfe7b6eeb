/**
 * `npm run demo`: the gateway, the platform sandbox and a simulated fleet in one command, with progress in the
 * terminal; Ctrl-C stops everything. See `npm run demo -- --help` and scripts/demo/run.ts for the lifecycle.
 */
import { helpText, parseDemoArgs, UsageError } from './demo/options.js'
import { runDemo } from './demo/run.js'

async function main(argv: string[]): Promise<number> {
  const options = parseDemoArgs(argv)
  if (options.help) {
    process.stdout.write(`${helpText}\n`)
    return 0
  }
  const { code, summary } = await runDemo(options, process.stdout)
  if (options.json) process.stdout.write(`${JSON.stringify({ summary })}\n`)
  return code
}

main(process.argv.slice(2)).then(
  (code) => {
    // Exit now rather than when idle HTTP keep-alive sockets time out; stdout is flushed first.
    process.stdout.write('', () => process.exit(code))
  },
  (err: unknown) => {
    const usage = err instanceof UsageError
    process.stderr.write(
      `${usage ? 'usage: ' : 'demo failed: '}${err instanceof Error ? err.message : String(err)}\n`,
    )
    if (usage) process.stderr.write('see --help\n')
    process.exit(usage ? 2 : 1)
  },
)
