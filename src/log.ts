/**
 * The root logger. Object first, message second (`log.info({ deviceId }, 'connected')`); components take a child
 * (`log.child({ component: 'broker' })`). Secrets are redacted wherever they appear in a logged object.
 */
import { type Logger, pino } from 'pino'
import type { Config } from './config.js'

export type { Logger }

/** Paths pino censors. Keep in step with every field that may carry a credential. */
export const redactPaths = [
  'password',
  'secret',
  'token',
  'adminToken',
  'authorization',
  '*.password',
  '*.secret',
  '*.token',
  '*.adminToken',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'credentials',
  '*.credentials',
]

export function createLogger(options: Config['log'], destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: redactPaths, censor: '[redacted]' },
      base: { service: 'coldchain-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  )
}
