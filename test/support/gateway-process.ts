/**
 * The gateway as its own process (`node --import tsx gateway/main.ts`, as `npm start` runs it) on a given data
 * directory and loopback ports, for the tests that signal or kill it. Stdout is dropped (warnings and errors go
 * to stderr, piped).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'

export function spawnGateway(dataDir: string, ports: { mqtt: number; http: number }): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    cwd: join(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      CC_DATA_DIR: dataDir,
      CC_MQTT_HOST: '127.0.0.1',
      CC_MQTT_PORT: String(ports.mqtt),
      CC_MQTT_WS_PORT: '0',
      CC_HTTP_HOST: '127.0.0.1',
      CC_HTTP_PORT: String(ports.http),
      CC_ADMIN_TOKEN: 'process-test-admin-token-0000',
      CC_LOG_LEVEL: 'warn',
      CC_AUTH_SCRYPT_LOG2N: '10',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
}
