import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TEST_DIR = resolve(ROOT, 'test')
const SKIP = new Set(['node_modules', '.git', '.botpress', 'test', 'test-output'])

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return []
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.(ts|cjs|mjs|js)$/.test(name) ? [path] : []
  })
}

/** Every relative module path a file names: imports, requires and `new URL(…, import.meta.url)`. */
function specifiers(source: string): string[] {
  return [...source.matchAll(/(?:from|import|require|new URL)\s*\(?\s*['"](\.{1,2}\/[^'"]*)['"]/g)].map((m) => m[1]!)
}

describe('layout', () => {
  it('nothing outside test/ imports from test/: the offline world (emulators, sandbox, bench) stands on its own', () => {
    const offenders = sources(ROOT).flatMap((file) =>
      specifiers(readFileSync(file, 'utf8'))
        .filter((spec) => resolve(file, '..', spec).startsWith(TEST_DIR + '/'))
        .map((spec) => `${relative(ROOT, file)} -> ${spec}`)
    )
    expect(offenders).toEqual([])
  })
})
