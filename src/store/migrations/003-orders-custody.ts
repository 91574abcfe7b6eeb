import type { Migration } from './index.js'

/**
 * Orders and waybills (an order split into several waybills, several orders merged into one), tracking nodes
 * (one per stored scan) and the custody chain as device-time intervals. See src/custody/model.ts for how scans
 * become intervals.
 */
export const ordersCustody: Migration = {
  version: 3,
  name: 'orders-custody',
  sql: `
CREATE TABLE orders (
  id                 TEXT PRIMARY KEY,   -- gateway id, time-sortable (keyset pagination orders by it)
  platform           TEXT NOT NULL,
  platform_order_id  TEXT NOT NULL,
  merchant           TEXT NOT NULL,
  profile            TEXT NOT NULL,      -- temperature profile name
  profile_override   TEXT,               -- JSON: per-order override of the profile
  sla_tier           TEXT NOT NULL CHECK (sla_tier IN ('same_day', 'next_day', 'standard')),
  consignee_region   TEXT NOT NULL,
  content_hash       TEXT NOT NULL,      -- what a re-post is compared with (idempotency)
  created_at         INTEGER NOT NULL,   -- the platform's creation time, epoch ms
  received_at        INTEGER NOT NULL,
  UNIQUE (platform, platform_order_id)
) STRICT;
CREATE INDEX orders_merchant ON orders (merchant, id);

CREATE TABLE order_items (
  id          INTEGER PRIMARY KEY,
  order_id    TEXT NOT NULL REFERENCES orders (id),
  line        INTEGER NOT NULL,           -- position in the order, from 1
  sku         TEXT NOT NULL,
  name        TEXT NOT NULL,
  qty         INTEGER NOT NULL CHECK (qty > 0),
  temp_class  TEXT NOT NULL,
  UNIQUE (order_id, sku)
) STRICT;

CREATE TABLE waybills (
  no                TEXT PRIMARY KEY,
  profile           TEXT NOT NULL,        -- the profile that applies (the strictest, for a merge)
  profile_override  TEXT,                 -- JSON: the limits that apply over that profile, if any
  profile_reason    TEXT NOT NULL,        -- why that profile applies
  sla_tier          TEXT NOT NULL CHECK (sla_tier IN ('same_day', 'next_day', 'standard')),
  status            TEXT NOT NULL DEFAULT 'created' CHECK (status IN
                      ('created', 'picked_up', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'cancelled')),
  created_at        INTEGER NOT NULL,
  picked_up_at      INTEGER,              -- device time of the first movement scan
  delivered_at      INTEGER,              -- device time of the first delivered scan
  cancelled_at      INTEGER,
  cancel_reason     TEXT                  -- e.g. "split into A, B"; a cancelled waybill keeps its items as history
) STRICT;

CREATE TABLE waybill_items (
  waybill  TEXT NOT NULL REFERENCES waybills (no),
  item_id  INTEGER NOT NULL REFERENCES order_items (id),
  qty      INTEGER NOT NULL CHECK (qty > 0),
  PRIMARY KEY (waybill, item_id)
) STRICT;
CREATE INDEX waybill_items_item ON waybill_items (item_id);

CREATE TABLE tracking_nodes (
  id                    INTEGER PRIMARY KEY,
  waybill               TEXT NOT NULL,     -- no foreign key: scans of unknown waybills are kept
  device_id             TEXT NOT NULL,
  seq                   INTEGER NOT NULL,
  event                 TEXT NOT NULL,
  status                TEXT NOT NULL,     -- canonical status (specs/cold-chain.md)
  ts                    INTEGER NOT NULL,  -- device time
  received_at           INTEGER NOT NULL,
  container             TEXT,
  location_name         TEXT,
  lat                   REAL,
  lon                   REAL,
  operator              TEXT,
  note                  TEXT,
  unknown_waybill       INTEGER NOT NULL DEFAULT 0,  -- no such waybill when the scan arrived
  late                  INTEGER NOT NULL DEFAULT 0,  -- a node with a later device time existed on arrival
  contradiction         TEXT,              -- why the scan contradicts custody; re-evaluated by device time
  temperature_snapshot  TEXT,              -- JSON, filled by the excursion engine (hand-over record)
  UNIQUE (device_id, seq)
) STRICT;
CREATE INDEX tracking_nodes_waybill_ts ON tracking_nodes (waybill, ts);

CREATE TABLE custody_intervals (
  id           INTEGER PRIMARY KEY,
  child_kind   TEXT NOT NULL CHECK (child_kind IN ('waybill', 'container')),
  child_id     TEXT NOT NULL,
  parent       TEXT NOT NULL,             -- the container the child is in (a box) or on (a vehicle)
  from_ts      INTEGER NOT NULL,          -- device time, inclusive
  to_ts        INTEGER,                   -- device time, exclusive; NULL while open
  opened_by_device  TEXT NOT NULL,        -- the scan that opened the interval
  opened_by_seq     INTEGER NOT NULL,
  CHECK (to_ts IS NULL OR to_ts > from_ts)
) STRICT;
CREATE INDEX custody_child ON custody_intervals (child_kind, child_id, from_ts);
CREATE INDEX custody_parent_open ON custody_intervals (parent, from_ts) WHERE to_ts IS NULL;
CREATE INDEX custody_parent_closed ON custody_intervals (parent, to_ts) WHERE to_ts IS NOT NULL;

CREATE TABLE container_moves (
  device_id  TEXT NOT NULL,               -- the scan that moved the container (one move per scan at most)
  seq        INTEGER NOT NULL,
  waybill    TEXT NOT NULL,               -- the waybill whose scan it was
  container  TEXT NOT NULL,
  parent     TEXT,                        -- the vehicle it went onto; NULL = taken off its vehicle
  ts         INTEGER NOT NULL,
  rank       INTEGER NOT NULL,            -- event order for equal device times
  PRIMARY KEY (device_id, seq)
) STRICT;
CREATE INDEX container_moves_container ON container_moves (container, ts);
CREATE INDEX container_moves_waybill ON container_moves (waybill);

-- Generations of what the custody service keeps in memory: \`generation\` is bumped by every custody change
-- (the index of open intervals rebuilds when it differs from the value it last wrote: a rolled-back step or
-- commit); \`sensors_generation\` by every change of which sensor is mounted where (triggers below), whoever
-- makes it, so the sensor directory reloads.
CREATE TABLE custody_state (
  id                  INTEGER PRIMARY KEY CHECK (id = 1),
  generation          INTEGER NOT NULL,
  sensors_generation  INTEGER NOT NULL
) STRICT;
INSERT INTO custody_state (id, generation, sensors_generation) VALUES (1, 0, 0);
CREATE TRIGGER devices_sensors_inserted AFTER INSERT ON devices
BEGIN UPDATE custody_state SET sensors_generation = sensors_generation + 1; END;
CREATE TRIGGER devices_sensors_updated AFTER UPDATE OF kind, container, enabled ON devices
BEGIN UPDATE custody_state SET sensors_generation = sensors_generation + 1; END;
CREATE TRIGGER devices_sensors_deleted AFTER DELETE ON devices
BEGIN UPDATE custody_state SET sensors_generation = sensors_generation + 1; END;
`,
}
