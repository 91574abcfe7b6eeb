import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { demoCredentials } from '../../../../simulator/sandbox/index.js'
import { loadConfig } from '../../../../src/config.js'
import { loadSecretBox, parseKey, SecretBox } from '../../../../src/writeback/secret-box.js'
import { TargetStore } from '../../../../src/writeback/targets-store.js'
import { memoryDb } from '../../orders/fixtures.js'
import { target } from '../fixtures.js'
import { addTarget, type World, world } from './fixtures.js'

const writeback = loadConfig({}).writeback

describe('the secret box', () => {
  it('opens what it sealed, for the same id only', () => {
    const box = new SecretBox(randomBytes(32))
    const sealed = box.seal('{"appSecret":"s3cret"}', 't-1')
    expect(sealed).toMatch(/^v1\./)
    expect(sealed).not.toContain('s3cret')
    expect(box.open(sealed, 't-1')).toBe('{"appSecret":"s3cret"}')
    expect(() => box.open(sealed, 't-2')).toThrow()
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 't-1')).toThrow()
  })

  it('takes a configured key as base64 or hex, and refuses one of the wrong size', () => {
    const key = randomBytes(32)
    expect(parseKey(key.toString('hex'))).toEqual(key)
    expect(parseKey(key.toString('base64'))).toEqual(key)
    expect(parseKey('c2hvcnQ=')).toBeNull()
    expect(() => loadSecretBox({ ...writeback, secretKey: 'c2hvcnQ=' }, '.')).toThrow(/32 bytes/)
  })

  it('generates a key file once, readable by its owner only, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-key-'))
    const sealed = loadSecretBox(writeback, dir).seal('x', 'id')
    const file = join(dir, 'writeback.key')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const first = readFileSync(file, 'utf8')
    expect(loadSecretBox(writeback, dir).open(sealed, 'id')).toBe('x')
    expect(readFileSync(file, 'utf8')).toBe(first)
  })
})

describe('the target store', () => {
  let w: World
  beforeEach(() => {
    w = world()
  })
  afterEach(() => w.db.close())

  it('stores credentials sealed and gives them back validated', () => {
    addTarget(w, 'taobao', { settings: { rateLimit: { perSecond: 10, burst: 5 } } })
    const raw = w.db.prepare('SELECT * FROM writeback_targets').get() as Record<string, string>
    expect(JSON.stringify(raw)).not.toContain(demoCredentials.taobao.appSecret)
    expect(JSON.stringify(raw)).not.toContain(demoCredentials.taobao.session)
    const stored = w.targets.get('t-taobao')
    expect(stored?.target.credentials).toMatchObject(demoCredentials.taobao)
    expect(stored?.rateLimit).toEqual({ perSecond: 10, burst: 5 })
    expect(stored?.status).toBe('active')
  })

  it('refuses a second target with the same id', () => {
    addTarget(w, 'webhook')
    expect(() => addTarget(w, 'webhook')).toThrow(/exists/)
  })

  it('bumps the generation on every change, so readers reload', () => {
    const g0 = w.targets.generation()
    addTarget(w, 'webhook')
    const g1 = w.targets.generation()
    w.targets.setStatus('t-webhook', 'gone', 'HTTP 410')
    expect(g1).toBeGreaterThan(g0)
    expect(w.targets.generation()).toBeGreaterThan(g1)
    expect(w.writer.targets.all().map((t) => [t.id, t.status])).toEqual([['t-webhook', 'gone']])
  })

  it('says which key to check when credentials cannot be opened', () => {
    const db = memoryDb()
    const t = target('jd', 'http://127.0.0.1:9', demoCredentials)
    new TargetStore(db, new SecretBox(randomBytes(32))).create(t, {
      trailIntervalMs: 0,
      rateLimit: null,
      concurrency: null,
    })
    expect(() => new TargetStore(db, new SecretBox(randomBytes(32))).get('t-jd')).toThrow(/secretKey/)
    db.close()
  })
})
