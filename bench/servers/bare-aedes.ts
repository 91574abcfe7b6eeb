/**
 * Baseline for the ingest benchmark: aedes with its in-memory persistence and default hooks, on a TCP port,
 * counting the messages it received. Talks to the orchestrator over IPC.
 */
import { createServer } from 'node:net'
import { Aedes } from 'aedes'

const broker = await Aedes.createBroker()
let count = 0
let firstAt = 0
let lastAt = 0
broker.on('publish', (_packet, client) => {
  if (!client) return
  const now = performance.now()
  if (count === 0) firstAt = now
  count++
  lastAt = now
})
const server = createServer(broker.handle)
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  process.send?.({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 })
})
process.on('message', (msg: { type: string }) => {
  if (msg.type === 'stats') process.send?.({ type: 'stats', count, firstAt, lastAt })
  if (msg.type === 'reset') count = 0
  if (msg.type === 'stop') server.close(() => broker.close(() => process.exit(0)))
})
