// The pure halves of the trust boundaries: the media address policy, the identity policy, text hygiene and the
// transcript cut. Each table row is an attack or the legitimate case next to it.
import { describe, expect, it } from 'vitest'
import { decideIdentity, unclaimedNote, unverifiedNote, type Found, type Wanted } from '../../src/identity/policy'
import { fitComment } from '../../src/channels/prepare'
import { cleanLine, cleanText, fitSubject, MAX_COMMENT_CHARS, MAX_SUBJECT_CHARS } from '../../src/mapping/hygiene'
import { renderTranscript } from '../../src/mapping/transcript'
import { isLoopbackUrl, refusedAddress, refusedUrl } from '../../src/media/address-policy'

describe('the media address policy', () => {
  const strict = { allowLoopback: false }
  const offline = { allowLoopback: true }

  it.each([
    // Cloud metadata, however it is spelled.
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://2852039166/', /link-local/],
    ['http://0xa9.0xfe.0xa9.0xfe/', /link-local/],
    ['http://0251.0376.0251.0376/', /link-local/],
    ['http://[::ffff:a9fe:a9fe]/', /IPv4-mapped/],
    ['http://[::ffff:169.254.169.254]/', /IPv4-mapped/],
    ['http://[64:ff9b::a9fe:a9fe]/', /NAT64/],
    ['http://[fe80::1]/', /link-local/],
    // Private networks.
    ['http://10.0.0.1/', /private/],
    ['http://172.16.0.1/', /private/],
    ['http://172.31.255.254/', /private/],
    ['http://192.168.1.1/', /private/],
    ['http://[fc00::1]/', /private/],
    ['http://[fd12:3456::1]/', /private/],
    ['http://100.64.0.1/', /carrier-grade/],
    // Unspecified, multicast, broadcast.
    ['http://0.0.0.0/', /unspecified/],
    ['http://0/', /unspecified/],
    ['http://[::]/', /unspecified/],
    ['http://224.0.0.1/', /multicast/],
    ['http://[ff02::1]/', /multicast/],
    ['http://255.255.255.255/', /reserved or broadcast/],
    // Loopback in production, in every spelling.
    ['http://127.0.0.1/', /loopback/],
    ['http://0x7f.1/', /loopback/],
    ['http://127.1/', /loopback/],
    ['http://2130706433/', /loopback/],
    ['http://[::1]/', /loopback/],
    // IPv6 ranges that embed an IPv4 address, or are reserved: all outside global unicast, or inside it but special.
    ['http://[::a9fe:a9fe]/', /global unicast/],
    ['http://[::169.254.169.254]/', /global unicast/],
    ['http://[::0a00:1]/', /global unicast/],
    ['http://[::7f00:1]/', /global unicast/],
    ['http://[::ffff:0:a9fe:a9fe]/', /global unicast/],
    ['http://[100::1]/', /global unicast/],
    ['http://[2001:db8::1]/', /documentation/],
    ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', /IETF protocol/],
    ['http://[2001:2::1]/', /IETF protocol/],
    ['http://[3fff::1]/', /documentation/],
    ['http://[3fff:fff::1]/', /documentation/],
    ['http://[64:ff9b::a00:1]/', /NAT64/],
    ['http://[2002:a9fe:a9fe::1]/', /6to4/],
    ['http://[4000::1]/', /global unicast/],
    // IPv4 ranges of IANA's registry not covered by the ones above.
    ['http://192.0.2.1/', /documentation/],
    ['http://198.51.100.7/', /documentation/],
    ['http://203.0.113.9/', /documentation/],
    ['http://198.19.0.1/', /benchmarking/],
    // Not a web address at all.
    ['file:///etc/passwd', /not http or https/],
    ['gopher://127.0.0.1:6379/_INFO', /not http or https/],
    ['ftp://files.example.com/a', /not http or https/],
    ['http://user:pw@files.example.com/a', /credentials/],
  ])('%s is refused (%s)', (url, why) => {
    expect(refusedUrl(new URL(url), strict)).toMatch(why)
  })

  it.each([
    'https://cdn.example.com/cat.png',
    'http://files.example.com/a.pdf',
    'https://93.184.215.14/x.png',
    'http://172.32.0.1/',
    'http://[2606:4700::1111]/',
    'http://[2a00:1450:4007:80e::200e]/',
    'http://[2001:4860:4860::8888]/',
  ])('%s may be fetched (a name is checked once resolved)', (url) => {
    expect(refusedUrl(new URL(url), strict)).toBeUndefined()
  })

  it('allows loopback only when the Zendesk account itself is on loopback, and never a mapped or private address', () => {
    expect(refusedUrl(new URL('http://127.0.0.1:8080/cat.png'), offline)).toBeUndefined()
    expect(refusedUrl(new URL('http://[::1]:8080/cat.png'), offline)).toBeUndefined()
    expect(refusedUrl(new URL('http://[::ffff:127.0.0.1]/'), offline)).toMatch(/IPv4-mapped/)
    expect(refusedUrl(new URL('http://169.254.169.254/'), offline)).toMatch(/link-local/)
    expect(refusedUrl(new URL('http://10.0.0.1/'), offline)).toMatch(/private/)
  })

  it.each([
    ['93.184.215.14', undefined],
    ['10.1.2.3', /private/],
    ['::ffff:10.1.2.3', /IPv4-mapped/],
    ['127.0.0.1', /loopback/],
    ['localhost', /not an IP/],
  ])('a resolved address %s is judged as itself', (address, why) => {
    const refused = refusedAddress(address, strict)
    if (why) expect(refused).toMatch(why)
    else expect(refused).toBeUndefined()
  })

  it.each([
    ['http://127.0.0.1:8080', true],
    ['http://localhost:3001', true],
    ['http://[::1]:9000', true],
    ['https://acme.zendesk.com', false],
  ])('a Zendesk base URL %s is on loopback: %s', (url, loopback) => {
    expect(isLoopbackUrl(url)).toBe(loopback)
  })
})

describe('the identity policy', () => {
  const wanted = (over: Partial<Wanted> = {}): Wanted => ({ externalId: 'user_1', name: 'Mallory', email: 'grace@acme.test', linkExistingEndUsers: false, ...over })
  const agent = { id: 7, role: 'agent', email: 'grace@acme.test', external_id: null, name: 'Grace' }
  const admin = { id: 1, role: 'admin', email: 'grace@acme.test', external_id: null, name: 'Admin' }
  const endUser = { id: 9, role: 'end-user', email: 'grace@acme.test', external_id: null, name: 'Grace' }
  const otherBotsUser = { ...endUser, external_id: 'user_of_another_bot' }
  const ours = { id: 11, role: 'end-user', email: null, external_id: 'user_1', name: 'Mallory', notes: unclaimedNote('grace@acme.test') }

  const on = { linkExistingEndUsers: true }
  it.each<[string, Found, Partial<Wanted>, object]>([
    ['linking off: the address only in the notes, whoever has it', { emailOwner: agent }, {}, { kind: 'create', user: { name: 'Mallory', external_id: 'user_1', role: 'end-user', notes: unclaimedNote('grace@acme.test') } }],
    ['linking off, a free address: not set either', {}, {}, { kind: 'create', user: { external_id: 'user_1', notes: unclaimedNote('grace@acme.test') } }],
    ['an agent\'s email, linking on: an end user without it, the address in its notes', { emailOwner: agent }, on, { kind: 'create', user: { external_id: 'user_1', role: 'end-user', notes: unverifiedNote('grace@acme.test') } }],
    ['an admin\'s email, linking on', { emailOwner: admin }, on, { kind: 'create', user: { external_id: 'user_1', role: 'end-user', notes: unverifiedNote('grace@acme.test') } }],
    ['an end user\'s email, linking on: linked by id and verified, no role nor email sent', { emailOwner: endUser }, on, { kind: 'update', zendeskUserId: 9, user: { external_id: 'user_1', verified: true } }],
    ['an end user another bot linked, linking on: not taken over', { emailOwner: otherBotsUser }, on, { kind: 'create', user: { external_id: 'user_1', notes: unverifiedNote('grace@acme.test') } }],
    ['a free email, linking on: created with it, verified', {}, on, { kind: 'create', user: { email: 'grace@acme.test', verified: true, role: 'end-user' } }],
    ['the address again, nothing new to write', { linked: ours }, { email: 'grace@acme.test' }, { kind: 'keep', zendeskUserId: 11 }],
    ['a returning user: updated by id, never with a role', { linked: { ...ours, name: 'Old' } }, {}, { kind: 'update', zendeskUserId: 11, user: { name: 'Mallory' } }],
    ['no email', {}, { email: undefined }, { kind: 'create', user: { name: 'Mallory', external_id: 'user_1', role: 'end-user' } }],
  ])('%s', (_, found, over, expected) => {
    expect(decideIdentity(wanted(over), found)).toMatchObject(expected)
  })

  it('never sets an email it refused, nor verified, nor a role on an update', () => {
    for (const owner of [agent, admin, endUser, otherBotsUser]) {
      for (const linking of [false, true]) {
        const decision = decideIdentity(wanted({ linkExistingEndUsers: linking }), { emailOwner: owner })
        if (decision.kind === 'update') {
          expect(decision.user).not.toHaveProperty('role')
          expect(decision.user).not.toHaveProperty('email')
        } else if (decision.kind === 'create') {
          expect(decision.user).not.toHaveProperty('email')
          expect(decision.user).not.toHaveProperty('verified')
        }
      }
    }
    expect(decideIdentity(wanted(on), { emailOwner: agent })).toHaveProperty('warning', expect.stringContaining(`${agent.id}`))
  })

  it('keeps what agents wrote in the user\'s notes, and adds the address once', () => {
    const noted = { ...ours, notes: 'VIP, call back' }
    expect(decideIdentity(wanted(on), { linked: noted, emailOwner: agent })).toMatchObject({ kind: 'update', user: { notes: `VIP, call back\n${unverifiedNote('grace@acme.test')}` } })
    expect(decideIdentity(wanted(on), { linked: { ...noted, notes: `VIP\n${unverifiedNote('grace@acme.test')}` }, emailOwner: agent })).toMatchObject({ kind: 'keep' })
  })

  it('refuses to link a Botpress user an agent carries as external ID, rather than change the agent', () => {
    expect(decideIdentity(wanted(), { linked: { ...agent, external_id: 'user_1' } })).toMatchObject({ kind: 'refuse', message: expect.stringContaining('never linked') })
  })
})

describe('text hygiene', () => {
  it.each([
    ['NUL and ESC', 'a\u0000b\u001b[31mred', 'ab[31mred'],
    ['bidi override and isolate', 'invoice\u202egnp.exe and \u2066x\u2069', 'invoicegnp.exe and x'],
    ['lone surrogates', 'a\ud800b\udc00c', 'abc'],
    ['a real surrogate pair stays', 'ok 😀', 'ok 😀'],
    ['C1 and DEL', 'a\u0085b\u007fc', 'abc'],
    ['newlines and tabs stay, CRLF becomes LF', 'a\r\nb\tc\rd', 'a\nb\tc\nd'],
    ['right-to-left text itself stays', 'שלום עולם', 'שלום עולם'],
    ['Unicode tag characters (hidden ASCII)', 'hi\u{E0049}\u{E0047}\u{E004E}\u{E007F} there', 'hi there'],
    ['interlinear annotation', 'pay \ufff9100\ufffa1000\ufffb now', 'pay 1001000 now'],
    ['a ZWJ inside an emoji sequence stays in a comment', 'family 👨\u200d👩\u200d👧', 'family 👨\u200d👩\u200d👧'],
  ])('%s', (_, input, output) => {
    expect(cleanText(input)).toBe(output)
  })

  it('a name or subject is one line', () => {
    expect(cleanLine('  Ann\n\tLee\u0007 ')).toBe('Ann Lee')
  })

  it.each([
    ['LRM, RLM and ALM', 'Gr\u200eac\u200fe\u061c', 'Grace'],
    ['zero-width space, non-joiner, joiner, word joiner', 'Gr\u200ba\u200cc\u200de\u2060', 'Grace'],
    ['an inner BOM', 'Gra\ufeffce', 'Grace'],
    ['tag characters', 'Grace\u{E0041}\u{E0042}', 'Grace'],
    ['interlinear annotation', 'Gr\ufff9ace\ufffa\ufffb', 'Grace'],
    ['an invisible file name extension trick', 'invoice\u200b.pdf\u2060.exe', 'invoice.pdf.exe'],
  ])('a name or file name loses invisible characters: %s', (_, input, output) => {
    expect(cleanLine(input)).toBe(output)
  })

  it('cuts a comment without leaving half a character', () => {
    const cut = fitComment(`a${'\u{1F600}'.repeat(40_000)}`)
    expect(cut.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS)
    expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/)
    expect(cut).toMatch(/😀\n\n\[message cut: \d+ more characters\]$/)
  })

  it(`cuts a subject to Zendesk's ${MAX_SUBJECT_CHARS} characters, visibly and without splitting a character`, () => {
    expect(fitSubject('x'.repeat(1000))).toHaveLength(MAX_SUBJECT_CHARS)
    expect(fitSubject('x'.repeat(1000)).endsWith('…')).toBe(true)
    const emoji = fitSubject(`${'x'.repeat(253)}😀😀`)
    expect(emoji).toBe(`${'x'.repeat(253)}…`)
    expect(fitSubject('Short one')).toBe('Short one')
  })
})

describe('a transcript longer than a Zendesk comment', () => {
  const names = { user: () => 'Ann', bot: 'Bot' }
  const history = Array.from({ length: 100 }, (_, i) => ({ source: { type: 'bot' as const }, type: 'text' as const, payload: { text: `message ${i} ${'x'.repeat(100)}` } }))

  it('keeps the newest messages and says how many earlier ones were left out', () => {
    const html = renderTranscript('Why', history, names, 3_000)
    expect(html.length).toBeLessThanOrEqual(3_000)
    expect(html).toContain('message 99 ')
    const kept = (html.match(/<li>/g) ?? []).length
    expect(html).toContain(`[${100 - kept} earlier messages left out`)
    expect(html).not.toContain('message 0 ')
  })

  it('cuts a newest message too long on its own, and a description too long', () => {
    const html = renderTranscript('d'.repeat(5_000), [{ source: { type: 'bot' }, type: 'text', payload: { text: '<'.repeat(10_000) } }], names, 3_000)
    expect(html.length).toBeLessThanOrEqual(3_000)
    expect(html).toMatch(/\[cut: \d+ more characters\]/)
    expect(html).not.toMatch(/&[a-z]*\s\[cut/)
  })

  it('is unchanged when it fits', () => {
    const html = renderTranscript(undefined, history.slice(0, 2), names)
    expect(html).not.toContain('left out')
    expect(html).toContain('message 0 ')
  })
})
