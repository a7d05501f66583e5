// How this project bundles an integration, as the Botpress CLI's `bp build` does: one CommonJS file for Node
// whose default export is the SDK Integration. The benchmark builds its floor with the same function.
import { build } from 'esbuild'

export async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    sourcemap: true,
    logLevel: 'warning',
  })
}
