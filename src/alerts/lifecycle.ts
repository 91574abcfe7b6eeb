/**
 * The alert lifecycle as a pure transition table (cold-chain.md, "Acknowledgement"): ThingsBoard's four states
 * plus a final `resolved` that requires a disposition. Every transition is recorded with who, when and a note.
 *
 *   active_unack --ack--> active_ack --clear--> cleared_ack --resolve--> resolved
 *   active_unack --clear--> cleared_unack --ack--> cleared_ack
 *   cleared_* --reactivate--> active_unack (the condition came back before anyone resolved the alert)
 */
export const alertStates = ['active_unack', 'active_ack', 'cleared_unack', 'cleared_ack', 'resolved'] as const
export type AlertState = (typeof alertStates)[number]

export const alertKinds = [
  'temperature',
  'humidity',
  'data_gap',
  'transit_stalled',
  'budget_exhausted',
  'sensor_fault',
  /** A writeback target has failed every attempt for `writeback.failingAlertMs`; its "waybill" is `target:<id>`. */
  'writeback_failing',
] as const
export type AlertKind = (typeof alertKinds)[number]

export const severities = ['minor', 'major', 'critical'] as const
export type Severity = (typeof severities)[number]

export const dispositions = ['release', 'quarantine', 'reject', 'false_alarm'] as const
export type Disposition = (typeof dispositions)[number]

export type AlertAction = 'ack' | 'clear' | 'reactivate' | 'resolve'

const table: Record<AlertState, Partial<Record<AlertAction, AlertState>>> = {
  active_unack: { ack: 'active_ack', clear: 'cleared_unack', resolve: 'resolved' },
  active_ack: { clear: 'cleared_ack', resolve: 'resolved' },
  cleared_unack: { ack: 'cleared_ack', reactivate: 'active_unack', resolve: 'resolved' },
  cleared_ack: { reactivate: 'active_unack', resolve: 'resolved' },
  resolved: {},
}

export type Transition = { ok: true; to: AlertState } | { ok: false; reason: string }

/**
 * The next state, or why the action is not allowed. People must acknowledge before they resolve, so a
 * `resolve` by a person from an unacknowledged state is refused; the system (late data withdrawing the cause)
 * may resolve from any open state.
 */
export function transition(from: AlertState, action: AlertAction, by: 'person' | 'system'): Transition {
  if (action === 'resolve' && by === 'person' && (from === 'active_unack' || from === 'cleared_unack')) {
    return { ok: false, reason: 'acknowledge the alert before resolving it' }
  }
  const to = table[from][action]
  return to ? { ok: true, to } : { ok: false, reason: `cannot ${action} an alert that is ${from}` }
}

export const isOpen = (state: AlertState): boolean => state !== 'resolved'
export const isAcknowledged = (state: AlertState): boolean =>
  state === 'active_ack' || state === 'cleared_ack'
