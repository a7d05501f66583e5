// Preloaded (node --require) into a bundle process when a test asks for it (CloudOptions.connectLog): every
// connection the process attempts is recorded, as one JSON line {host, port, refused} in the file named by
// CONNECT_LOG, and any attempt to an address that is not loopback is refused here, before a packet leaves the
// machine. A test then proves what the integration tried, at the socket level, without ever reaching the network.
const net = require('node:net')
const { appendFileSync } = require('node:fs')

const logFile = process.env.CONNECT_LOG
const isLoopback = (host) =>
  host === undefined || host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1' || host === '[::1]'

const original = net.Socket.prototype.connect
net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect passes its normalised [options, callback]; socket.connect(port, host) and (options) also occur.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0]
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined }
  // A unix socket or named pipe (http passes path: null for TCP).
  if (typeof options.path === 'string') return original.apply(this, args)
  const refused = !isLoopback(options.host)
  if (logFile) appendFileSync(logFile, `${JSON.stringify({ host: options.host ?? 'localhost', port: Number(options.port), refused })}\n`)
  if (!refused) return original.apply(this, args)
  const error = Object.assign(new Error(`connect-guard: ${options.host}:${options.port} is not loopback; the test world never leaves the machine`), { code: 'ECONNREFUSED' })
  process.nextTick(() => this.destroy(error))
  return this
}
