/**
 * Mosquitto as an external MQTT peer: `eclipse-mosquitto:2` in a container when a Docker engine is reachable,
 * otherwise the local Debian `mosquitto` on a free loopback port. Anonymous clients on one listener, and
 * persistence on (in a temporary directory) so sessions and queued QoS 1 messages survive `halt`/`resume`.
 */
import { writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { startContainer } from './container.js'
import {
  dockerAvailable,
  findBinary,
  LOOPBACK,
  LocalProcess,
  removeDir,
  type ServiceHandle,
  startOnFreePort,
  tcpOpen,
  tempDir,
  unavailable,
} from './service.js'

export interface MosquittoServer extends ServiceHandle {
  /** `mqtt://host:port` */
  url: string
}

function configText(listener: string, persistenceDir: string, runAsRoot: boolean): string {
  return [
    listener,
    'allow_anonymous true',
    'persistence true',
    `persistence_location ${persistenceDir}/`,
    'autosave_interval 1',
    'max_queued_messages 100000',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    // As root mosquitto drops to the `mosquitto` user, which may not write our temporary directory.
    ...(runAsRoot ? ['user root'] : []),
    '',
  ].join('\n')
}

export async function startMosquitto(): Promise<MosquittoServer> {
  if (await dockerAvailable()) {
    try {
      return await startMosquittoContainer()
    } catch (err) {
      // A reachable engine that cannot run the image (no registry access, say): the local broker will do.
      if (!findBinary('mosquitto')) throw err
      console.warn(`eclipse-mosquitto:2 container failed (${(err as Error).message}); using local mosquitto`)
    }
  }
  return startLocalMosquitto()
}

async function startMosquittoContainer(): Promise<MosquittoServer> {
  const handle = await startContainer({
    image: 'eclipse-mosquitto:2',
    port: 1883,
    files: [
      {
        content: configText('listener 1883 0.0.0.0', '/mosquitto/data', false),
        target: '/mosquitto/config/mosquitto.conf',
      },
    ],
    ready: (host, port) => tcpOpen(host, port),
  })
  return { ...handle, url: `mqtt://${handle.host}:${handle.port}` }
}

async function startLocalMosquitto(): Promise<MosquittoServer> {
  const binary = findBinary('mosquitto')
  if (!binary) throw unavailable('Mosquitto', 'apt-get install mosquitto')
  const dir = tempDir('mosquitto')
  const runAsRoot = userInfo().uid === 0
  const make = (port: number) => {
    const file = join(dir, 'mosquitto.conf')
    writeFileSync(file, configText(`listener ${port} ${LOOPBACK}`, dir, runAsRoot))
    return new LocalProcess('mosquitto', binary, ['-c', file], () => tcpOpen(LOOPBACK, port))
  }
  const { port, proc } = await startOnFreePort(make, dir)
  let current: LocalProcess = proc
  return {
    host: LOOPBACK,
    port,
    url: `mqtt://${LOOPBACK}:${port}`,
    halt: () => current.stop(),
    resume: async () => {
      current = make(port)
      await current.start()
    },
    stop: async () => {
      await current.stop()
      removeDir(dir)
    },
  }
}
