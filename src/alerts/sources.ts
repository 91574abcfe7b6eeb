/**
 * How an alert's sources (the occurrences folded into it) change: pure functions over the alert as read, used by
 * the alert rules (service.ts) inside the detectors' transaction.
 */
import { type Severity, severities } from './lifecycle.js'
import type { Alert, AlertSource } from './repository.js'

/** New details for a source, and the severity they reach (the alert's never goes down). */
export interface SourceChange {
  detail: Record<string, unknown>
  severity?: Severity
}

/** `alert` with `source` (as it now is) under `sourceId`, its details merged with the change's. */
export function withSource(alert: Alert, sourceId: string, source: AlertSource, change: SourceChange): Alert {
  return {
    ...alert,
    sources: { ...alert.sources, [sourceId]: { ...source, detail: { ...source.detail, ...change.detail } } },
    severity: change.severity ? maxSeverity(alert.severity, change.severity) : alert.severity,
  }
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severities.indexOf(a) >= severities.indexOf(b) ? a : b
}
