// Bundles the integration as the Botpress CLI's `bp build` does: src/index.ts → .botpress/dist/index.cjs, one
// CommonJS file for Node whose default export is the SDK Integration.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
export const bundlePath = `${root}.botpress/dist/index.cjs`

await build({
  entryPoints: [`${root}src/index.ts`],
  outfile: bundlePath,
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
})
console.info(`built ${bundlePath}`)
