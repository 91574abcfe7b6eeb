/**
 * One place where a refused or cut-off client is counted (`cc_mqtt_refusals_total{reason}`) and logged, and
 * where the error handed back to aedes is made: an AppError with the catalogue code, plus the CONNACK return
 * code when the refusal answers a CONNECT. Contexts carry ids and addresses only, never credentials.
 */
import { AppError } from '../../src/errors.js'
import type { Logger } from '../../src/log.js'
import type { Metrics } from '../../src/metrics.js'

export type RefusalCode = 'MQTT_BAD_CREDENTIALS' | 'MQTT_TOPIC_DENIED' | 'MQTT_PROTOCOL'

/** The error aedes turns into a CONNACK: it reads `returnCode` (2..5) from the error of `authenticate`. */
export type ConnackError = AppError & { returnCode: 2 | 3 | 4 | 5 }

export class Refusals {
  constructor(
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  record(code: RefusalCode, context: Record<string, unknown>, message: string): AppError {
    this.metrics.mqttRefusals.inc({ reason: code })
    this.log.warn({ ...context, reason: code }, message)
    return new AppError(code, message)
  }

  connack(
    code: RefusalCode,
    returnCode: 2 | 3 | 4 | 5,
    context: Record<string, unknown>,
    message: string,
  ): ConnackError {
    return Object.assign(this.record(code, context, message), { returnCode })
  }
}
