// Helpers shared by the emulator's own tests: a small API client and a webhook receiver on loopback.

import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Answer {
  status: number
  headers: Headers
  // Tests read bodies by shape, as a client would.
  body: any
}

export function apiClient(baseUrl: string, authorization: string) {
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Answer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extra },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    const text = await response.text()
    const isJson = response.headers.get('content-type')?.includes('json') ?? false
    return { status: response.status, headers: response.headers, body: isJson && text !== '' ? JSON.parse(text) : text }
  }
  return {
    get: (path: string, extra?: Record<string, string>) => call('GET', path, undefined, extra),
    post: (path: string, body?: unknown, extra?: Record<string, string>) => call('POST', path, body, extra),
    put: (path: string, body?: unknown, extra?: Record<string, string>) => call('PUT', path, body, extra),
    patch: (path: string, body?: unknown) => call('PATCH', path, body),
    delete: (path: string) => call('DELETE', path),
  }
}

export const bearer = (token: string) => `Bearer ${token}`

export interface Received {
  headers: IncomingHttpHeaders
  body: string
}

export interface Receiver {
  url: string
  received: Received[]
  close(): Promise<void>
}

/** A webhook endpoint; `answer` decides each response (default 200). */
export async function startReceiver(
  answer: (n: number, received: Received) => { status: number; headers?: Record<string, string>; delayMs?: number } = () => ({ status: 200 }),
): Promise<Receiver> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const entry = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      received.push(entry)
      const { status, headers, delayMs } = answer(received.length, entry)
      setTimeout(() => {
        res.writeHead(status, headers)
        res.end()
      }, delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
