/**
 * The network side of the broker: MQTT over TCP, over WebSocket (the `ws` package; each socket is turned into a
 * byte stream with `createWebSocketStream`, as aedes expects) and, when a certificate is configured, over TLS
 * with optional client certificates. Every accepted connection goes to one `accept` function. Raw sockets are
 * tracked per server so that a stop can end the ones that never became MQTT clients (e.g. a TLS handshake or
 * a WebSocket upgrade still under way).
 */
import { readFile } from 'node:fs/promises'
import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage } from 'node:http'
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { createServer as createTlsServer } from 'node:tls'
import { createWebSocketStream, WebSocketServer } from 'ws'
import type { Config } from '../../src/config.js'
import { AppError } from '../../src/errors.js'
import type { Logger } from '../../src/log.js'

export type Accept = (conn: Duplex, req?: IncomingMessage) => void

export interface Listeners {
  tcp: Server
  http: HttpServer
  wss: WebSocketServer
  tls: Server | null
  sockets: Set<Socket>
}

export async function openListeners(config: Config['mqtt'], accept: Accept, log: Logger): Promise<Listeners> {
  const sockets = new Set<Socket>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  const opened: Server[] = []
  try {
    const tcp = createNetServer({ noDelay: true }, (socket) => accept(socket))
    tcp.on('connection', track)
    await listen(tcp, config.port, config.host)
    opened.push(tcp)

    const http = createHttpServer((_req, res) => {
      res.writeHead(426, { connection: 'close', upgrade: 'websocket' }).end('MQTT over WebSocket only\n')
    })
    http.on('connection', track)
    // ws buffers a whole message before emitting it; the frame guard bounds MQTT packets, this bounds frames.
    const wss = new WebSocketServer({
      server: http,
      path: config.wsPath,
      maxPayload: 2 * config.maxPacketBytes,
    })
    wss.on('connection', (ws, req) => {
      const stream = createWebSocketStream(ws)
      // aedes and the logs read `conn.remoteAddress`; a WebSocket stream has none of its own.
      Object.defineProperty(stream, 'remoteAddress', { value: req.socket.remoteAddress })
      accept(stream, req)
    })
    wss.on('error', (err) => log.warn({ err }, 'WebSocket server error'))
    await listen(http, config.wsPort, config.host)
    opened.push(http)

    const tls = await openTls(config, accept, track, log)
    if (tls) opened.push(tls)
    return { tcp, http, wss, tls, sockets }
  } catch (err) {
    await Promise.all(opened.map((server) => new Promise((resolve) => server.close(resolve))))
    for (const socket of sockets) socket.destroy()
    throw err
  }
}

async function openTls(
  config: Config['mqtt'],
  accept: Accept,
  track: (socket: Socket) => void,
  log: Logger,
): Promise<Server | null> {
  if (!config.tlsCertFile && !config.tlsKeyFile) return null
  if (!config.tlsCertFile || !config.tlsKeyFile) {
    throw new AppError('CONFIG_INVALID', 'mqtt.tlsCertFile and mqtt.tlsKeyFile must be set together')
  }
  if (config.tlsRequireClientCert && !config.tlsCaFile) {
    throw new AppError('CONFIG_INVALID', 'mqtt.tlsRequireClientCert needs mqtt.tlsCaFile')
  }
  const [cert, key, ca] = await Promise.all([
    readFile(config.tlsCertFile),
    readFile(config.tlsKeyFile),
    config.tlsCaFile ? readFile(config.tlsCaFile) : undefined,
  ])
  const tls = createTlsServer(
    {
      cert,
      key,
      ca,
      minVersion: 'TLSv1.2',
      // Ask for a certificate only when one can be checked; without rejectUnauthorized an unverified one is
      // merely not trusted (TLSSocket.authorized stays false) and the device may still use its password.
      requestCert: ca !== undefined,
      rejectUnauthorized: ca !== undefined && config.tlsRequireClientCert,
      handshakeTimeout: config.connectTimeoutMs > 0 ? config.connectTimeoutMs : 120_000,
      noDelay: true,
    },
    (socket) => accept(socket),
  )
  tls.on('connection', track)
  tls.on('tlsClientError', (err, socket) =>
    log.debug({ err, remoteAddress: socket.remoteAddress }, 'TLS handshake failed'),
  )
  await listen(tls, config.tlsPort, config.host)
  return tls
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
}

export function boundPorts(listeners: Listeners): { mqtt: number; ws: number; tls: number | null } {
  const port = (server: Server) => (server.address() as AddressInfo).port
  return {
    mqtt: port(listeners.tcp),
    ws: port(listeners.http),
    tls: listeners.tls ? port(listeners.tls) : null,
  }
}

/** Stops accepting connections. The promise settles once every connection of every listener is gone. */
export function stopAccepting(listeners: Listeners): Promise<void> {
  const servers = [listeners.tcp, listeners.http, ...(listeners.tls ? [listeners.tls] : [])]
  const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))
  listeners.wss.close()
  listeners.http.closeIdleConnections()
  return Promise.all(closed).then(() => undefined)
}

/** Ends whatever connection is still open (handshakes and upgrades under way, clients aedes did not know). */
export function destroyRemaining(listeners: Listeners): void {
  for (const ws of listeners.wss.clients) ws.terminate()
  for (const socket of listeners.sockets) socket.destroy()
}
