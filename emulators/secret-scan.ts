// The suite-wide secret check: every driver writes its bundle processes' output here, every Zendesk emulator the
// secrets it issued, and the global teardown fails the run if any secret appears in any line.
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SCAN_ROOT = fileURLToPath(new URL('../test-output/secret-scan', import.meta.url))
// Set by the global setup of the test suite, one folder per run; the sandbox and the benchmark run the same
// emulators and driver without it, and record nothing.
const dir = () => process.env.SECRET_SCAN_DIR

function record(kind: 'logs' | 'secrets', content: string): void {
  const target = dir()
  if (!target) return
  mkdirSync(target, { recursive: true })
  writeFileSync(join(target, `${kind}-${randomUUID()}.txt`), content)
}

export const recordLogs = (lines: string[]) => record('logs', lines.join('\n'))
export const recordSecrets = (secrets: Iterable<string>) => record('secrets', [...secrets].filter((s) => s.length >= 8).join('\n'))

const SECRET_FIELD = /secret|token|password/i
const ADDRESS_FIELD = /subdomain|url/i
// "https://admin:Pass@acme…", "admin:Pass@acme", "Pass@acme": what precedes the "@" of an address is credentials.
const USER_INFO = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^/@\s]+)@/i

/**
 * The secrets a bot builder typed into a configuration: its secret fields, and any user name or password typed
 * into an address (the subdomain). The driver records them, so a log line repeating one fails the suite.
 */
export function configurationSecrets(configuration: Record<string, unknown>): string[] {
  const found: string[] = []
  for (const [key, value] of Object.entries(configuration)) {
    if (typeof value !== 'string') continue
    if (SECRET_FIELD.test(key)) found.push(value)
    const userInfo = ADDRESS_FIELD.test(key) ? USER_INFO.exec(value.trim())?.[1] : undefined
    if (userInfo) found.push(userInfo, ...userInfo.split(':').slice(1).filter(Boolean))
  }
  return found
}

/** Which secrets appear in which log files (the secret itself is never printed, only its first characters). */
export function findLeaks(target: string): string[] {
  if (!existsSync(target)) return []
  const files = readdirSync(target)
  const read = (f: string) => readFileSync(join(target, f), 'utf8')
  const secrets = new Set(files.filter((f) => f.startsWith('secrets-')).flatMap((f) => read(f).split('\n').filter(Boolean)))
  const leaks: string[] = []
  for (const f of files.filter((f) => f.startsWith('logs-'))) {
    const text = read(f)
    for (const secret of secrets) if (text.includes(secret)) leaks.push(`${secret.slice(0, 4)}… in ${f}`)
  }
  return leaks
}

/** A fresh folder for this run, so that runs side by side never mix their files. */
export function newScan(): string {
  mkdirSync(SCAN_ROOT, { recursive: true })
  return mkdtempSync(join(SCAN_ROOT, 'run-'))
}

export const endScan = (target: string) => rmSync(target, { recursive: true, force: true })
