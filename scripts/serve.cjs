#!/usr/bin/env node
// Runs the built integration the way Botpress Cloud runs it: the bundle's default export is the SDK
// Integration, whose handler answers Botpress operations over HTTP.
// Usage: node scripts/serve.cjs [--port 8072] [--bundle .botpress/dist/index.cjs]
// Prints one line "zendesk-hitl listening on http://127.0.0.1:PORT" once it accepts requests (port 0 picks one).
const path = require('node:path')
const { parseArgs } = require('node:util')

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8072' },
    bundle: { type: 'string', default: path.join(__dirname, '..', '.botpress', 'dist', 'index.cjs') },
  },
})

const integration = require(path.resolve(values.bundle)).default
const port = Number(values.port)

integration.start(port).then((server) => {
  const announce = () => console.info(`zendesk-hitl listening on http://127.0.0.1:${server.address().port}`)
  server.listening ? announce() : server.once('listening', announce)
  // Memory diagnostics for the benchmark: with --expose-gc, SIGUSR2 collects garbage and reports what is left.
  process.on('SIGUSR2', () => {
    global.gc?.()
    const { heapUsed, rss } = process.memoryUsage()
    console.info(`zendesk-hitl memory ${JSON.stringify({ heapUsed, rss, collected: typeof global.gc === 'function' })}`)
  })
  const stop = () => server.close(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
})
