/**
 * `npm run docs` — writes docs/errors.md (the error catalogue) and docs/configuration.md (every setting with
 * its variable and default) from the code, so the documents cannot drift. A test checks they are current.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { envMap, loadConfig } from '../src/config.js'
import { catalogue } from '../src/errors.js'

export function errorsDoc(): string {
  const rows = Object.entries(catalogue).map(
    ([code, e]) =>
      `| \`${code}\` | ${e.status} | ${e.retriable ? 'yes' : 'no'} | ${e.doc.replaceAll('|', '\\|')} |`,
  )
  return [
    '# Error catalogue',
    '',
    'Every error the gateway reports carries one of these stable codes: HTTP errors as `{ code, message, details? }`,',
    'dead letters in their `reason`, MQTT refusals in logs and `cc_mqtt_refusals_total{reason}`.',
    'Generated from `src/errors.ts` by `npm run docs`.',
    '',
    '| code | HTTP status | retriable | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
}

export function configurationDoc(): string {
  const defaults = loadConfig({}) as unknown as Record<string, unknown>
  const valueAt = (path: string[]) =>
    path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], defaults)
  const rows = Object.entries(envMap).map(([name, { path, doc }]) => {
    const value = valueAt(path)
    return `| \`${name}\` | \`${path.join('.')}\` | ${value === undefined ? '—' : `\`${String(value)}\``} | ${doc} |`
  })
  return [
    '# Configuration',
    '',
    'One validated object, built at start-up from (lowest first) the defaults, an optional JSON file named by',
    '`CC_CONFIG_FILE` (same shape as the keys below, e.g. `{ "mqtt": { "port": 1883 } }`), and `CC_*` environment',
    'variables. An invalid value stops the gateway with exit code 78 and a message naming every bad key.',
    'Generated from `src/config.ts` by `npm run docs`.',
    '',
    '| variable | key | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const docs = join(import.meta.dirname, '..', 'docs')
  writeFileSync(join(docs, 'errors.md'), errorsDoc())
  writeFileSync(join(docs, 'configuration.md'), configurationDoc())
  console.log('wrote docs/errors.md and docs/configuration.md')
}
