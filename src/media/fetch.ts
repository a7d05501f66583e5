// Downloads a user's media under the address policy: every hop of a redirect chain is checked, on the address the
// socket connects to (the lookup below hands the connection only addresses it checked, so a DNS answer that
// changes between check and connect changes nothing), and the body is cut off at the size limit as it streams.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import { refusedAddress, refusedUrl, type AddressPolicy } from './address-policy'

export type MediaLimits = AddressPolicy & { maxBytes: number; timeoutMs: number; maxRedirects?: number }
export type Media = { data: Buffer; contentType: string | undefined }

/** The URL may not be fetched: it is linked in the comment instead, and nothing was sent to it. */
export class RefusedMedia extends Error {
  public override readonly name = 'RefusedMedia'
}

const REDIRECTS = new Set([301, 302, 303, 307, 308])

function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0)
      // One refused address refuses the name: a name that resolves to both a public and an internal address is
      // the shape of a rebinding attack, and no public file server needs it.
      const refused = addresses.map((a) => refusedAddress(a.address, policy)).find(Boolean)
      if (refused || !addresses.length) {
        return callback(new RefusedMedia(`${hostname} resolves to ${refused ?? 'nothing'}`), '', 0)
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
      callback(null, addresses[0]!.address, addresses[0]!.family)
    })
  }
}

function get(url: URL, policy: AddressPolicy, signal: AbortSignal): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', lookup: guardedLookup(policy), agent: false, signal }, resolve)
    // A refusal from the lookup arrives here as the RefusedMedia it was, before any byte was sent.
    req.once('error', reject)
    req.end()
  })
}

async function readCapped(res: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers['content-length'] ?? 0)
  if (declared > maxBytes) {
    res.destroy()
    throw new Error(`file larger than ${maxBytes} bytes`)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res) {
    size += (chunk as Buffer).length
    // Content-Length may be absent or lie: the bytes themselves are counted.
    if (size > maxBytes) {
      res.destroy()
      throw new Error(`file larger than ${maxBytes} bytes`)
    }
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/** Downloads `url`, following at most 3 redirects by hand so that each hop goes through the policy. */
export async function fetchMedia(url: string, limits: MediaLimits): Promise<Media> {
  const signal = AbortSignal.timeout(limits.timeoutMs)
  let target: URL
  try {
    target = new URL(url)
  } catch {
    throw new RefusedMedia('not a URL')
  }
  for (let hop = 0; ; hop++) {
    const refused = refusedUrl(target, limits)
    if (refused) throw new RefusedMedia(hop ? `redirected to ${refused}` : refused)
    const res = await get(target, limits, signal)
    const location = res.headers.location
    if (REDIRECTS.has(res.statusCode ?? 0) && location) {
      res.resume()
      if (hop >= (limits.maxRedirects ?? 3)) throw new RefusedMedia('too many redirects')
      target = new URL(location, target)
      continue
    }
    if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) > 299) {
      res.resume()
      throw new Error(`download answered ${res.statusCode}`)
    }
    const contentType = res.headers['content-type']?.split(';')[0]?.trim() || undefined
    return { data: await readCapped(res, limits.maxBytes), contentType }
  }
}
