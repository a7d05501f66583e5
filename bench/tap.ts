// A recording proxy put between the bundle and a service it calls. The emulators time their requests in whole
// milliseconds, too coarse to tell two calls in flight together from two made one after the other; the tap
// stamps each round trip with the high-resolution clock, as the bundle sees it, so the critical path is exact.
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'

export type Trip = { service: string; method: string; path: string; start: number; end: number }

export type Tap = { url: string; close(): Promise<void> }

export async function startTap(service: string, target: string, trips: Trip[]): Promise<Tap> {
  const upstream = new URL(target)
  const server: Server = createServer((req, res) => {
    const start = performance.now()
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    forward.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' })
      res.end(`tap: ${error.message}`)
    })
    res.on('finish', () => trips.push({ service, method: req.method ?? 'GET', path: req.url ?? '/', start, end: performance.now() }))
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
