// `npm start` as a person runs it: what it refuses, and that Ctrl-C stops everything it started.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function start(args: string[]): { child: ChildProcess; output: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  const output: string[] = []
  createInterface({ input: child.stdout! }).on('line', (l) => output.push(l))
  createInterface({ input: child.stderr! }).on('line', (l) => output.push(l))
  return { child, output, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) }
}

/** The URL `npm start` prints once everything runs; rejects with its output if it ends first. */
async function readyUrl(run: ReturnType<typeof start>): Promise<string> {
  const deadline = Date.now() + 25_000
  while (Date.now() < deadline) {
    const url = run.output.map((l) => /Sandbox ready: (http:\S+)/.exec(l)?.[1]).find(Boolean)
    if (url) return url
    if (run.child.exitCode !== null) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  run.child.kill('SIGKILL')
  throw new Error(`npm start did not say it was ready:\n${run.output.join('\n')}`)
}

/** Every process below `pid` (Linux /proc): the bundle processes the driver started. */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      // The field after the command, which is in parentheses and may contain spaces.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // The process ended while the list was read.
    }
  }
  const found: number[] = []
  const walk = (p: number) => {
    for (const [child, parent] of parents) if (parent === p) found.push(child), walk(child)
  }
  walk(pid)
  return found
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('npm start', () => {
  it('refuses a real Zendesk without a public URL, saying why', async () => {
    const run = start(['--zendesk', 'https://acme.zendesk.com', '--access-token', 'abc'])
    expect(await run.exited).toBe(2)
    expect(run.output.join('\n')).toMatch(/needs\s+--public-url https:\/\//)
  })

  it('serves the page, and SIGINT stops the bundle processes, the emulators and the server', async () => {
    const run = start(['--port', '0'])
    const url = await readyUrl(run)
    expect((await fetch(url)).status).toBe(200)
    const started = descendants(run.child.pid!)
    expect(started.length).toBeGreaterThan(0)

    run.child.kill('SIGINT')
    expect(await run.exited).toBe(0)
    expect(started.filter(alive)).toEqual([])
    await expect(fetch(url)).rejects.toThrow()
  })
})
