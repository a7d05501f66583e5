// `npm start`: the whole HITL loop on this machine, in one page.
//   npm start [-- --port 3000]                                   Zendesk and Botpress emulated, offline
//   npm start -- --zendesk https://acme.zendesk.com --access-token T --public-url https://tunnel.example
//   npm start -- --zendesk acme --client-id ID --client-secret S --public-url https://tunnel.example
import { parseArgs } from 'node:util'
import type { RealZendesk } from './server'

const USAGE = `Usage: npm start -- [--port 3000]
       npm start -- --zendesk https://acme.zendesk.com (--access-token T | --client-id ID --client-secret S) --public-url https://…

  --port N           the page's port on 127.0.0.1 (0 picks a free one)
  --zendesk URL      a real Zendesk account instead of the emulator, with one credential of an admin:
  --access-token T   an OAuth access token with the "read write" scopes
  --client-id ID     an OAuth client allowed the client credentials grant,
  --client-secret S    and its secret
  --public-url URL   an https tunnel to this port: a real Zendesk delivers its webhooks there
  --help             this text`

const OPTIONS = {
  port: { type: 'string', default: '3000' },
  zendesk: { type: 'string' },
  'access-token': { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'public-url': { type: 'string' },
  help: { type: 'boolean' },
} as const

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`)
  process.exit(2)
}

function parse() {
  try {
    return parseArgs({ options: OPTIONS }).values
  } catch (thrown) {
    // parseArgs's own words ("Unknown option '--acess-token'. To specify a positional argument…") speak to
    // programmers; a person gets what was wrong, the flag they probably meant, and the usage.
    const message = thrown instanceof Error ? thrown.message : String(thrown)
    const unknown = /Unknown option '(-{1,2}[^']*)'/.exec(message)?.[1]
    if (unknown) {
      const guess = closestOption(unknown)
      return fail(`Unknown option ${unknown}${guess ? `: did you mean --${guess}?` : '.'}`)
    }
    if ((thrown as { code?: string }).code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return fail('npm start takes options only (each starts with --).')
    const option = /^Option '(--[\w-]+)/.exec(message)?.[1]
    if (option) return fail(message.includes('argument missing') ? `${option} needs a value.` : `${option} takes no value.`)
    return fail(message)
  }
}

/** The known option a typo is closest to, when it is close enough to be a typo (two edits at most). */
function closestOption(typed: string): string | undefined {
  const name = typed.replace(/^-+/, '').split('=')[0] ?? ''
  const [best] = Object.keys(OPTIONS)
    .map((option) => ({ option, distance: editDistance(name, option) }))
    .sort((a, b) => a.distance - b.distance)
  return best && best.distance <= 2 ? best.option : undefined
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    row = next
  }
  return row[b.length]!
}

const values = parse()
if (values.help) {
  console.info(USAGE)
  process.exit(0)
}

const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, not "${values.port}"`)

/** `acme`, `acme.zendesk.com` or `https://acme.zendesk.com/`, as the integration's configuration accepts them. */
function zendeskUrl(typed: string): string {
  const url = /^https?:\/\//i.test(typed) ? typed : typed.includes('.') ? `https://${typed}` : `https://${typed}.zendesk.com`
  return url.replace(/\/+$/, '')
}

function realZendesk(): RealZendesk | undefined {
  const url = values.zendesk && zendeskUrl(values.zendesk)
  const credentialGiven = values['access-token'] ?? values['client-id'] ?? values['client-secret'] ?? values['public-url']
  if (!url) return credentialGiven === undefined ? undefined : fail('--access-token, --client-id, --client-secret and --public-url go with --zendesk')
  const publicUrl = values['public-url']?.replace(/\/+$/, '')
  if (!publicUrl?.startsWith('https://')) {
    fail(
      `A real Zendesk delivers its webhooks (agent replies, assignments, solved tickets) over the internet, so it needs\n` +
        `--public-url https://… : a tunnel (cloudflared, ngrok…) to http://127.0.0.1:${port}. Without it, nothing an\n` +
        `agent does would ever reach this sandbox.`,
    )
  }
  const accessToken = values['access-token']
  const clientId = values['client-id']
  const clientSecret = values['client-secret']
  if (accessToken && !clientId && !clientSecret) return { url, credentials: { accessToken }, publicUrl }
  if (!accessToken && clientId && clientSecret) return { url, credentials: { clientId, clientSecret }, publicUrl }
  return fail('Give either --access-token, or both --client-id and --client-secret (the credentials of a Zendesk admin).')
}

const zendesk = realZendesk()
console.info(zendesk ? `Starting the sandbox against ${zendesk.url}…` : 'Starting the sandbox: Zendesk and Botpress emulated, offline…')
// Loaded once the arguments are known good: a mistyped command is answered at once, not after the emulators load.
const { startSandbox } = await import('./server')
const sandbox = await startSandbox({ port, ...(zendesk && { zendesk }) }).catch((thrown: unknown) => {
  console.error(`The sandbox could not start: ${thrown instanceof Error ? thrown.message : String(thrown)}`)
  process.exit(1)
})
console.info(`\n  Sandbox ready: ${sandbox.url}\n`)
if (zendesk) console.info(`  Zendesk delivers its webhooks to ${zendesk.publicUrl}/webhook/…: keep the tunnel to ${sandbox.url} open.\n`)
console.info('Ctrl-C stops everything.')

const stop = (signal: string) => {
  console.info(`\n${signal}: stopping the bundle processes, the emulators and the server…`)
  sandbox.close().then(
    () => process.exit(0),
    (thrown: unknown) => {
      console.error(thrown)
      process.exit(1)
    },
  )
}
process.once('SIGINT', () => stop('SIGINT'))
process.once('SIGTERM', () => stop('SIGTERM'))
