/** The sandbox's HTTP control API and its command line. */
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Sandbox, startSandbox } from '../../../simulator/sandbox/index.js'
import { sampleEventFor, T0, WAYBILL } from '../../unit/writeback/fixtures.js'
import { deliver } from './helpers.js'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, clock: () => T0 })
})
afterAll(() => sandbox.stop())

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(sandbox.url + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

describe('control API', () => {
  it('sets faults over HTTP, lists and clears them', async () => {
    expect((await call('POST', '/_sandbox/faults', { platform: 'jd', gone: true })).status).toBe(200)
    expect((await call('GET', '/_sandbox/faults')).json).toEqual({ jd: { gone: true } })
    expect((await deliver('jd', sandbox, sampleEventFor.jd(), T0)).reply.status).toBe(410)
    await call('DELETE', '/_sandbox/faults?platform=jd')
    expect((await call('GET', '/_sandbox/faults')).json).toEqual({})
  })

  it('refuses an unknown platform or fault field', async () => {
    expect((await call('POST', '/_sandbox/faults', { platform: 'ebay', gone: true })).status).toBe(400)
    expect((await call('POST', '/_sandbox/faults', { platform: 'jd', explode: true })).status).toBe(400)
  })

  it('applies a fault to every platform with platform "all"', async () => {
    await call('POST', '/_sandbox/faults', { platform: 'all', rateLimit: { retryAfterS: 2 } })
    expect((await deliver('kdniao', sandbox, sampleEventFor.kdniao(), T0)).reply.status).toBe(429)
    expect((await deliver('douyin', sandbox, sampleEventFor.douyin(), T0)).reply.status).toBe(429)
    await call('POST', '/_sandbox/reset')
  })

  it('answers queries for received requests by platform and waybill', async () => {
    await deliver('cainiao', sandbox, sampleEventFor.cainiao(), T0)
    await deliver('taobao', sandbox, sampleEventFor.taobao(), T0)
    const { json } = await call('GET', `/_sandbox/requests?platform=cainiao&waybill=${WAYBILL}`)
    expect(json.count).toBe(1)
    expect((json.requests as { platform: string; eventId: string }[])[0]).toMatchObject({
      platform: 'cainiao',
      eventId: 'evt-node-1',
      outcome: 'accepted',
    })
    expect((await call('GET', '/_sandbox/requests?waybill=nope')).json.count).toBe(0)
    await call('DELETE', '/_sandbox/requests')
    expect((await call('GET', '/_sandbox/requests')).json.count).toBe(0)
  })

  it('answers 404 for unknown paths and 405 for non-POST platform calls', async () => {
    expect((await call('POST', '/nowhere', {})).status).toBe(404)
    expect((await call('GET', '/kdniao')).status).toBe(405)
  })
})

describe('command line', () => {
  const run = (args: string[]) =>
    spawn(process.execPath, ['--import', 'tsx', 'simulator/sandbox/main.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })

  it('serves on the given port until terminated', async () => {
    const child = run(['--port', '0'])
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString()
          const match = /listening on (http:\/\/\S+)/.exec(out)
          if (match) resolve(match[1] as string)
        })
        child.on('exit', (code) => reject(new Error(`exited ${code}`)))
      })
      const res = await fetch(`${url}/_sandbox/requests`)
      expect(res.status).toBe(200)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0)
  })
})
