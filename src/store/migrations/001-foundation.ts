import type { Migration } from './index.js'

/** Devices, API tokens, raw readings, scans, device status and dead letters. */
export const foundation: Migration = {
  version: 1,
  name: 'foundation',
  sql: `
CREATE TABLE devices (
  id            TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('truck_sensor', 'box_sensor', 'scanner')),
  label         TEXT NOT NULL DEFAULT '',
  container     TEXT,                -- the truck or box a sensor is mounted in (custody joins on it)
  secret_hash   TEXT NOT NULL,
  enabled       INTEGER NOT NULL DEFAULT 1,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  last_seen_at  INTEGER
) STRICT;
CREATE INDEX devices_container ON devices (container) WHERE container IS NOT NULL;

CREATE TABLE api_tokens (
  id          TEXT PRIMARY KEY,      -- public prefix of the token, used to find its hash
  role        TEXT NOT NULL CHECK (role IN ('admin', 'ops', 'merchant')),
  merchant    TEXT,                  -- set for merchant tokens: the only merchant they see
  label       TEXT NOT NULL DEFAULT '',
  token_hash  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
) STRICT;

CREATE TABLE readings (
  id           INTEGER PRIMARY KEY,
  device_id    TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  ts           INTEGER NOT NULL,     -- device time, epoch ms
  received_at  INTEGER NOT NULL,     -- gateway time, epoch ms
  temp_c       REAL,
  rh           REAL,
  door_open    INTEGER,
  lat          REAL,
  lon          REAL,
  battery_pct  REAL,
  quality      TEXT NOT NULL DEFAULT 'ok' CHECK (quality IN ('ok', 'sensor_fault')),
  fault        TEXT,
  UNIQUE (device_id, seq)
) STRICT;
CREATE INDEX readings_device_ts ON readings (device_id, ts);
CREATE INDEX readings_ts ON readings (ts);

CREATE TABLE scans (
  id             INTEGER PRIMARY KEY,
  device_id      TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  ts             INTEGER NOT NULL,
  received_at    INTEGER NOT NULL,
  waybill        TEXT NOT NULL,
  event          TEXT NOT NULL,
  container      TEXT,
  location_name  TEXT,
  lat            REAL,
  lon            REAL,
  operator       TEXT,
  note           TEXT,
  UNIQUE (device_id, seq)
) STRICT;
CREATE INDEX scans_waybill_ts ON scans (waybill, ts);

CREATE TABLE device_status (
  id           INTEGER PRIMARY KEY,
  device_id    TEXT NOT NULL,
  ts           INTEGER NOT NULL,
  received_at  INTEGER NOT NULL,
  online       INTEGER NOT NULL,
  fw           TEXT,
  battery_pct  REAL
) STRICT;
CREATE INDEX device_status_device_ts ON device_status (device_id, ts);

CREATE TABLE dead_letters (
  id             INTEGER PRIMARY KEY,
  received_at    INTEGER NOT NULL,
  device_id      TEXT,
  topic          TEXT NOT NULL,
  reason         TEXT NOT NULL,
  detail         TEXT NOT NULL,
  batch_index    INTEGER,
  sample         TEXT NOT NULL,
  payload_bytes  INTEGER NOT NULL
) STRICT;
CREATE INDEX dead_letters_received ON dead_letters (received_at);
CREATE INDEX dead_letters_device ON dead_letters (device_id, received_at);
`,
}
