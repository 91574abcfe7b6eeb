import type { Migration } from './index.js'

/**
 * Alerts and their audit trail. At most one open (not resolved) alert per waybill and kind: new occurrences
 * update it rather than repeat it.
 */
export const alerts: Migration = {
  version: 4,
  name: 'alerts',
  sql: `
CREATE TABLE alerts (
  id                    INTEGER PRIMARY KEY,
  kind                  TEXT NOT NULL,
  waybill               TEXT NOT NULL,
  state                 TEXT NOT NULL,
  severity              TEXT NOT NULL,
  title                 TEXT NOT NULL,
  sources               TEXT NOT NULL DEFAULT '{}', -- JSON: source id -> { open, startedAt, endedAt, detail }
  detected_late         INTEGER NOT NULL DEFAULT 0,
  condition_started_at  INTEGER,                    -- device time the condition began
  condition_ended_at    INTEGER,
  opened_at             INTEGER NOT NULL,           -- gateway time the alert was raised
  updated_at            INTEGER NOT NULL,
  acked_at              INTEGER,
  acked_by              TEXT,
  cleared_at            INTEGER,
  resolved_at           INTEGER,
  resolved_by           TEXT,
  disposition           TEXT,
  resolution_note       TEXT,
  escalation_level      INTEGER NOT NULL DEFAULT 0,
  next_escalation_at    INTEGER
) STRICT;
CREATE UNIQUE INDEX alerts_one_open ON alerts (waybill, kind) WHERE state != 'resolved';
CREATE INDEX alerts_escalation ON alerts (next_escalation_at) WHERE next_escalation_at IS NOT NULL;
CREATE INDEX alerts_state ON alerts (state, id);
CREATE INDEX alerts_waybill ON alerts (waybill, id);

CREATE TABLE alert_transitions (
  id         INTEGER PRIMARY KEY,
  alert_id   INTEGER NOT NULL REFERENCES alerts (id),
  action     TEXT NOT NULL,
  from_state TEXT,
  to_state   TEXT NOT NULL,
  at         INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  note       TEXT
) STRICT;
CREATE INDEX alert_transitions_alert ON alert_transitions (alert_id, id);
`,
}
