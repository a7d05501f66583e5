// Size and cold start of a bundle: bytes on disk, and the time from spawning the process Botpress Cloud would
// spawn to the answer of its first request, with the process's peak memory.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { memoryOf } from './proc'

const ROOT = fileURLToPath(new URL('../', import.meta.url))

export function bundleSize(path: string): { raw: number; gzip: number } {
  const data = readFileSync(path)
  return { raw: data.length, gzip: gzipSync(data, { level: 9 }).length }
}

/** The headers Botpress Cloud sends with every invocation (emulators/cloud/cloud.ts), for a `ping`. */
const PING_HEADERS = {
  'content-type': 'application/json',
  'x-bot-id': 'bench-bot',
  'x-bot-user-id': 'user_bench',
  'x-integration-id': 'bench-integration',
  'x-integration-alias': 'zendesk-hitl',
  'x-webhook-id': 'bench-webhook',
  'x-bp-operation': 'ping',
  'x-bp-configuration': Buffer.from('{}').toString('base64'),
  'x-bp-type': 'integration',
}

export type ColdStart = { ms: number; status: number; peakRss: number }

/** Spawns `node scripts/serve.cjs` on the bundle as the driver does and pings it as soon as it listens. */
export async function coldStart(bundlePath: string): Promise<ColdStart> {
  const t0 = performance.now()
  const child = spawn(
    process.execPath,
    ['--require', `${ROOT}emulators/cloud/parent-watch.cjs`, `${ROOT}scripts/serve.cjs`, '--port', '0', '--bundle', bundlePath],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] }
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${bundlePath} did not listen within 15 s`)), 15_000)
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = /listening on (http:\/\/\S+)/.exec(line)
        if (m) {
          clearTimeout(timer)
          resolve(m[1] as string)
        }
      })
      child.once('exit', (code) => reject(new Error(`${bundlePath} exited (${code}) before it listened`)))
    })
    const res = await fetch(`${url}/`, { method: 'POST', headers: PING_HEADERS, body: '{}' })
    await res.arrayBuffer()
    const ms = performance.now() - t0
    return { ms, status: res.status, peakRss: memoryOf(child.pid!).peak }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}
