// Which addresses the integration may download a user's media from. A URL in a message is whatever the user (or
// anyone who can put a message in the conversation) typed: without this policy the integration would fetch cloud
// metadata (169.254.169.254), internal services or the loopback of the machine it runs on and attach the answer
// to a ticket. The policy is applied to the address actually connected to, after DNS, at every redirect.
import { BlockList, isIP } from 'node:net'

export type AddressPolicy = {
  /** Only when the Zendesk account itself is on loopback: the offline sandbox and the tests. */
  allowLoopback: boolean
}

type Range = [address: string, prefix: number, family: 'ipv4' | 'ipv6', why: string]

// IANA's special-purpose address registries (RFC 6890 and its updates), every range not globally reachable or
// reserved for documentation: nothing a public file server has. IPv6 is allowed within global unicast (2000::/3)
// only, so the registry's ranges outside it (IPv4-compatible ::/96, IPv4-translated ::ffff:0:0/96, NAT64's
// 64:ff9b::/96, discard 100::/64, unique local, link-local, multicast) are refused whatever their spelling; the
// IPv6 ranges below outside 2000::/3 are listed for the reason they give.
const ALWAYS_REFUSED: Range[] = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified address'],
  ['10.0.0.0', 8, 'ipv4', 'a private address'],
  ['100.64.0.0', 10, 'ipv4', 'a carrier-grade NAT address'],
  ['169.254.0.0', 16, 'ipv4', 'a link-local address (cloud metadata lives there)'],
  ['172.16.0.0', 12, 'ipv4', 'a private address'],
  ['192.0.0.0', 24, 'ipv4', 'an IETF protocol address'],
  ['192.0.2.0', 24, 'ipv4', 'a documentation address'],
  ['198.51.100.0', 24, 'ipv4', 'a documentation address'],
  ['203.0.113.0', 24, 'ipv4', 'a documentation address'],
  ['192.168.0.0', 16, 'ipv4', 'a private address'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking address'],
  ['224.0.0.0', 4, 'ipv4', 'a multicast address'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved or broadcast address'],
  ['::', 128, 'ipv6', 'an unspecified address'],
  ['::ffff:0:0', 96, 'ipv6', 'an IPv4-mapped IPv6 address'],
  ['64:ff9b::', 96, 'ipv6', 'a NAT64 address'],
  ['64:ff9b:1::', 48, 'ipv6', 'a NAT64 address'],
  ['2001::', 32, 'ipv6', 'a Teredo address, an IETF protocol assignment'],
  ['2001::', 23, 'ipv6', 'an IETF protocol address'],
  ['2001:db8::', 32, 'ipv6', 'a documentation address'],
  ['3fff::', 20, 'ipv6', 'a documentation address'],
  ['2002::', 16, 'ipv6', 'a 6to4 address'],
  ['fc00::', 7, 'ipv6', 'a private (unique local) address'],
  ['fe80::', 10, 'ipv6', 'a link-local address'],
  ['fec0::', 10, 'ipv6', 'a site-local address'],
  ['ff00::', 8, 'ipv6', 'a multicast address'],
]
const LOOPBACK: Range[] = [
  ['127.0.0.0', 8, 'ipv4', 'a loopback address'],
  ['::1', 128, 'ipv6', 'a loopback address'],
]

type Compiled = { list: BlockList; family: 'ipv4' | 'ipv6'; why: string }[]

const compile = (ranges: Range[]): Compiled =>
  ranges.map(([net, prefix, family, why]) => {
    const list = new BlockList()
    list.addSubnet(net, prefix, family)
    return { list, family, why }
  })

const REFUSED = compile(ALWAYS_REFUSED)
const LOOPBACKS = compile(LOOPBACK)
const GLOBAL_UNICAST = compile([['2000::', 3, 'ipv6', '']])

const matching = (ranges: Compiled, address: string, family: 'ipv4' | 'ipv6') =>
  ranges.find((r) => r.family === family && r.list.check(address, family))?.why

/** Why the integration may not connect to this IP address, or undefined when it may. */
export function refusedAddress(address: string, policy: AddressPolicy): string | undefined {
  const bare = address.replace(/^\[|\]$/g, '')
  const version = isIP(bare)
  if (version === 0) return 'not an IP address'
  const family = version === 4 ? 'ipv4' : 'ipv6'
  const always = matching(REFUSED, bare, family)
  if (always) return always
  const loopback = matching(LOOPBACKS, bare, family)
  if (loopback) return policy.allowLoopback ? undefined : loopback
  if (family === 'ipv6' && matching(GLOBAL_UNICAST, bare, family) === undefined) {
    return 'not a global unicast IPv6 address (2000::/3): a reserved range, or one that embeds an IPv4 address'
  }
  return undefined
}

/**
 * Why this URL may not be fetched before any connection, or undefined. WHATWG URL parsing turns every spelling of
 * an IPv4 address (2852039166, 0x7f.1, 0251.0376.0251.0376, 127.1) into its dotted form, so the literal is checked
 * as the address it is; a name is checked once resolved, by the connection's lookup.
 */
export function refusedUrl(url: URL, policy: AddressPolicy): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} is not http or https`
  if (url.username || url.password) return 'the URL carries credentials'
  const host = url.hostname
  return isIP(host.replace(/^\[|\]$/g, '')) ? refusedAddress(host, policy) : undefined
}

/** A Zendesk base URL on loopback: the offline sandbox and the tests, whose media servers are on loopback too. */
export function isLoopbackUrl(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname.replace(/^\[|\]$/g, '')
  const version = isIP(host)
  if (version === 0) return host === 'localhost'
  return matching(LOOPBACKS, host, version === 4 ? 'ipv4' : 'ipv6') !== undefined
}
