/**
 * `npm start`: the gateway on embedded defaults (SQLite under ./data, MQTT on 1883, HTTP on 8080).
 * SIGTERM/SIGINT stop it gracefully and exit 0; a configuration error exits 78 (EX_CONFIG) with the reason.
 */
import { type Config, loadConfig } from '../src/config.js'
import { isAppError } from '../src/errors.js'
import { createLogger } from '../src/log.js'
import { Gateway } from './gateway.js'

async function main(): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (err) {
    process.stderr.write(`${isAppError(err) ? err.message : String(err)}\n`)
    process.exit(78)
  }
  const log = createLogger(config.log)
  if (config.mqtt.openMode) {
    log.warn(
      'MQTT open mode is ON: anonymous clients may publish on any topic. Never use this in production.',
    )
  }
  const gateway = new Gateway(config, { log })
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping')
    try {
      await gateway.stop()
      log.flush()
      process.exit(0)
    } catch (err) {
      log.error({ err }, 'stop failed')
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'))

  try {
    const ports = await gateway.start()
    if (gateway.generatedAdminToken) {
      // Printed once, on the first start only; the store keeps just its hash.
      process.stdout.write(
        `\nAdmin API token (shown once, store it now):\n  ${gateway.generatedAdminToken}\n\n` +
          `MQTT tcp://localhost:${ports.mqtt}  ws://localhost:${ports.ws}${config.mqtt.wsPath}\n` +
          `API  http://localhost:${ports.http}/docs\n\n`,
      )
    }
  } catch (err) {
    log.fatal({ err }, 'gateway failed to start')
    await gateway.stop().catch(() => {})
    log.flush()
    process.exit(1)
  }
}

void main()
