import type { Migration } from './index.js'

/**
 * Monitoring (issue 3): the editable temperature profiles, what monitoring reported per waybill (excursions,
 * data gaps, budget exhaustion, stalled transit: the trail reads them, and a re-evaluation is diffed against them),
 * and the generation of the engine states the gateway keeps in memory.
 *
 * Engine states are NOT stored: a state holds the re-evaluation window (up to `monitoring.windowMaxReadings`
 * readings with checkpoints), tens of kilobytes to write per touched waybill and commit. The store keeps the
 * readings and custody they are rebuilt from (src/monitoring/monitor.ts), and the findings below.
 */
export const monitoring: Migration = {
  version: 6,
  name: 'monitoring',
  sql: `
CREATE TABLE temperature_profiles (
  name        TEXT PRIMARY KEY,
  body        TEXT NOT NULL,            -- JSON: a profile validated by temperatureProfileSchema
  updated_at  INTEGER NOT NULL,
  updated_by  TEXT NOT NULL
) STRICT;

CREATE TABLE waybill_findings (
  id             TEXT PRIMARY KEY,      -- engine id (waybill:kind:side:start, waybill:gap:start), waybill:budget,
                                        -- waybill:stall:last-node-time
  waybill        TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('temperature', 'humidity', 'data_gap', 'budget', 'stall')),
  state          TEXT NOT NULL CHECK (state IN ('open', 'closed', 'withdrawn')),
  started_at     INTEGER NOT NULL,      -- device time
  ended_at       INTEGER,               -- device time; NULL while ongoing
  detected_late  INTEGER NOT NULL DEFAULT 0,
  severity       TEXT,
  profile        TEXT NOT NULL,         -- name of the profile it was evaluated against
  snapshot       TEXT NOT NULL,         -- JSON: the engine's Excursion, Gap or BudgetStatus as last reported
  reason         TEXT,                  -- why it was withdrawn
  superseded_by  TEXT,
  first_seen_at  INTEGER NOT NULL,      -- gateway time
  updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX waybill_findings_waybill ON waybill_findings (waybill, started_at);

-- Bumped by every monitoring write; the in-memory engine states written after the value the store holds were
-- rolled back with their transaction and are dropped (src/monitoring/state-cache.ts).
CREATE TABLE monitoring_state (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  generation  INTEGER NOT NULL
) STRICT;
INSERT INTO monitoring_state (id, generation) VALUES (1, 0);
`,
}
