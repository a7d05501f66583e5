// `npm test` after the build: the type check runs beside vitest rather than before it. tsc is a quarter of a
// minute of one core; the tests spend much of theirs waiting (on bundle processes, retry back-offs, timers), and
// tsc, at a lower priority, takes the CPU they leave. Either failing fails the run; tsc's report comes after
// vitest's.
// Arguments go to vitest: `npm test -- test/unit`.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { setPriority } from 'node:os'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
/** A package's command, as npm links it into node_modules/.bin. */
const bin = (pkg: string, command: string) => {
  const manifest = require.resolve(`${pkg}/package.json`)
  return join(dirname(manifest), (require(manifest).bin as Record<string, string>)[command]!)
}

function run(script: string, args: string[], opts: { capture: boolean; niceness: number }): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: opts.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' })
    if (child.pid !== undefined && opts.niceness > 0) setPriority(child.pid, opts.niceness)
    let output = ''
    child.stdout?.on('data', (chunk) => (output += chunk))
    child.stderr?.on('data', (chunk) => (output += chunk))
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
  })
}

const [types, tests] = await Promise.all([
  run(bin('typescript', 'tsc'), ['--noEmit'], { capture: true, niceness: 10 }),
  run(bin('vitest', 'vitest'), ['run', ...process.argv.slice(2)], { capture: false, niceness: 0 }),
])
if (types.code !== 0) process.stdout.write(`\ntsc --noEmit found type errors:\n${types.output}\n`)
process.exit(types.code || tests.code)
