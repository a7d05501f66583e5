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

const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
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
  it('--help prints the usage and every option, and exits 0', async () => {
    const run = start(['--help'])
    expect(await run.exited).toBe(0)
    const text = run.output.join('\n')
    expect(text).toMatch(/^Usage: npm start -- \[--port 3000\]/)
    for (const option of ['--port', '--zendesk', '--access-token', '--client-id', '--client-secret', '--public-url', '--help']) expect(text).toContain(option)
  })

  it.each([
    [['--bogus'], 'Unknown option --bogus.'],
    [['--acess-token', 'T'], 'Unknown option --acess-token: did you mean --access-token?'],
    [['--publicurl', 'https://x'], 'Unknown option --publicurl: did you mean --public-url?'],
    [['--port'], '--port needs a value.'],
    [['3000'], 'npm start takes options only (each starts with --).'],
  ])('%j says what is wrong, then the usage, with no stack trace', async (args, message) => {
    const run = start(args)
    expect(await run.exited).toBe(2)
    expect(run.output[0]).toBe(message)
    const text = run.output.join('\n')
    expect(text).toContain('Usage: npm start --')
    expect(text).not.toMatch(/ERR_PARSE_ARGS|\n\s+at /)
  })

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
    const bundles = started.filter((pid) => commandOf(pid).includes('scripts/serve.cjs'))
    expect(bundles.length).toBeGreaterThan(0)

    run.child.kill('SIGINT')
    expect(await run.exited).toBe(0)
    // The sandbox waits for its bundle processes to end before it exits.
    expect(bundles.filter(alive)).toEqual([])
    // Anything else below it (tsx's esbuild service, as npm start runs TypeScript) ends once its parent has gone,
    // a moment later on a busy machine.
    await expect.poll(() => started.filter(alive), { timeout: 5_000 }).toEqual([])
    await expect(fetch(url)).rejects.toThrow()
  })
})
