// src/index.ts → .botpress/dist/index.cjs, the path the Botpress CLI builds to.
import { fileURLToPath } from 'node:url'
import { bundle } from './bundle'

const root = fileURLToPath(new URL('..', import.meta.url))
const bundlePath = `${root}.botpress/dist/index.cjs`

await bundle(`${root}src/index.ts`, bundlePath)
console.info(`built ${bundlePath}`)
