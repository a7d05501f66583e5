// Writes README "Guarantees"' fault matrix from the cases the end-to-end test plays (scripts/fault-matrix.ts).
import { readFileSync, writeFileSync } from 'node:fs'
import { withTable } from './fault-matrix'

const path = new URL('../README.md', import.meta.url)
const readme = readFileSync(path, 'utf8')
const next = withTable(readme)
if (next !== readme) writeFileSync(path, next)
console.log(next === readme ? 'README fault matrix up to date' : 'README fault matrix written')
