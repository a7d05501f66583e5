// `npm test` after the build: the type check runs beside vitest rather than before it. tsc is a quarter of a
// minute of one core; the tests spend much of theirs waiting (on bundle processes, retry back-offs, timers), so
// run together they finish sooner. Either failing fails the run; tsc's report comes after vitest's.
// Arguments go to vitest: `npm test -- test/unit`.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
/** A package's command, as npm links it into node_modules/.bin. */
const bin = (pkg: string, command: string) => {
  const manifest = require.resolve(`${pkg}/package.json`)
  return join(dirname(manifest), (require(manifest).bin as Record<string, string>)[command]!)
}

function run(script: string, args: string[], capture: boolean): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' })
    let output = ''
    child.stdout?.on('data', (chunk) => (output += chunk))
    child.stderr?.on('data', (chunk) => (output += chunk))
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
  })
}

const [types, tests] = await Promise.all([
  run(bin('typescript', 'tsc'), ['--noEmit'], true),
  run(bin('vitest', 'vitest'), ['run', ...process.argv.slice(2)], false),
])
if (types.code !== 0) process.stdout.write(`\ntsc --noEmit found type errors:\n${types.output}\n`)
process.exit(types.code || tests.code)
