// fetchMedia against a file server on loopback: the size cap holds on the bytes read, whatever Content-Length says,
// and the policy is applied to names once resolved ("localhost" is loopback, refused in production).
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchMedia, RefusedMedia } from '../../src/media/fetch'

let server: Server
let port: number
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/chunked') {
      // No Content-Length: only counting the bytes catches it.
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      for (let i = 0; i < 64; i++) res.write(Buffer.alloc(1024, 1))
      return void res.end()
    }
    if (req.url === '/declared') return void res.writeHead(200, { 'content-length': '999999999' }).end()
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('small')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise((resolve) => server.close(resolve)))

const offline = { allowLoopback: true, maxBytes: 10 * 1024, timeoutMs: 5_000 }

describe('downloading a user\'s media', () => {
  it('stops reading a body larger than the cap when no Content-Length announces it', async () => {
    await expect(fetchMedia(`http://127.0.0.1:${port}/chunked`, offline)).rejects.toThrow(/larger than 10240 bytes/)
  })

  it('refuses a declared size over the cap without reading it', async () => {
    await expect(fetchMedia(`http://127.0.0.1:${port}/declared`, offline)).rejects.toThrow(/larger than/)
  })

  it('returns the bytes and the content type of a small file', async () => {
    const media = await fetchMedia(`http://127.0.0.1:${port}/small`, offline)
    expect(media).toEqual({ data: Buffer.from('small'), contentType: 'text/plain' })
  })

  it('checks a name on the address it resolves to', async () => {
    await expect(fetchMedia(`http://localhost:${port}/small`, { ...offline, allowLoopback: false })).rejects.toBeInstanceOf(RefusedMedia)
    await expect(fetchMedia(`http://localhost:${port}/small`, offline)).resolves.toMatchObject({ data: Buffer.from('small') })
  })
})
