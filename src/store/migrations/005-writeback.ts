import type { Migration } from './index.js'

/**
 * Writeback (architecture "Writeback"): the platforms events are delivered to, and the outbox. One outbox row
 * per (target, event), written in the transaction of the fact that caused it; the relay delivers each lane
 * (target, ordering key = waybill) in id order.
 *
 * Lane heads: only the oldest pending row of a lane carries `next_attempt_at`; the rows behind it hold NULL
 * until it is delivered or dead. So "what is due" is one range read of `outbox_due`, however long the lanes.
 */
export const writeback: Migration = {
  version: 5,
  name: 'writeback',
  sql: `
CREATE TABLE writeback_targets (
  id                 TEXT PRIMARY KEY,
  kind               TEXT NOT NULL,
  settings           TEXT NOT NULL,          -- JSON: endpoint, events, merchantId, carrierCodes (no secrets)
  credentials        TEXT NOT NULL,          -- AES-256-GCM sealed JSON (src/writeback/secret-box.ts)
  trail_interval_ms  INTEGER NOT NULL DEFAULT 0,
  rate_per_s         REAL,                   -- token bucket refill; NULL = unlimited
  rate_burst         INTEGER,
  concurrency        INTEGER,                -- NULL = writeback.concurrency
  status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'gone')),
  status_reason      TEXT,
  status_at          INTEGER,
  created_at         INTEGER NOT NULL,
  updated_at         INTEGER NOT NULL
) STRICT;

-- Bumped on every change of writeback_targets, so readers reload their cached copy cheaply.
CREATE TABLE writeback_state (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  generation  INTEGER NOT NULL
) STRICT;
INSERT INTO writeback_state (id, generation) VALUES (1, 0);

CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  target_id        TEXT NOT NULL REFERENCES writeback_targets (id),
  ordering_key     TEXT NOT NULL,           -- the waybill (or alert:<id>): the lane kept in order
  event_id         TEXT NOT NULL,           -- stable idempotency key (webhook-id, msg_id)
  type             TEXT NOT NULL,
  payload          TEXT NOT NULL,           -- JSON: the WritebackEvent, replayed byte for byte
  created_at       INTEGER NOT NULL,
  event_time       INTEGER NOT NULL,        -- when the fact happened (start of the delivery latency)
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER,                 -- set on the head of its lane only
  expires_at       INTEGER NOT NULL,        -- dead-lettered when still pending after this
  last_error       TEXT,
  last_attempt_at  INTEGER,
  delivered_at     INTEGER,
  UNIQUE (target_id, event_id)
) STRICT;
CREATE INDEX outbox_due ON outbox (target_id, next_attempt_at)
  WHERE state = 'pending' AND next_attempt_at IS NOT NULL;
CREATE INDEX outbox_lane ON outbox (target_id, ordering_key, id) WHERE state = 'pending';
CREATE INDEX outbox_state ON outbox (state, target_id, id);
CREATE INDEX outbox_key ON outbox (ordering_key, id);
CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE state = 'delivered';

-- The trail scheduler's reads of waybills on the move, and of those delivered lately (their final batch).
CREATE INDEX waybills_moving ON waybills (status)
  WHERE status IN ('picked_up', 'in_transit', 'out_for_delivery', 'exception');
CREATE INDEX waybills_delivered ON waybills (delivered_at) WHERE status = 'delivered';

-- How far each (target, waybill) temperature trail has been batched (device time, exclusive).
CREATE TABLE writeback_trail_cursors (
  target_id  TEXT NOT NULL,
  waybill    TEXT NOT NULL,
  until_ts   INTEGER NOT NULL,
  PRIMARY KEY (target_id, waybill)
) STRICT, WITHOUT ROWID;
`,
}
