import { relative } from 'node:path'
import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The longest test files (as measured on a fresh clone), the CPU-bound load test first; every other file follows
 * in vitest's own order. Vitest orders by the durations of the previous run when it has them (node_modules/.vite),
 * but a fresh clone has none, and its fallback, larger files first, started the 2,000-webhook load test (a short
 * file) last, to run alone while the other workers waited.
 */
const LONGEST = [
  'test/e2e/load.test.ts',
  'test/e2e/fault-matrix.test.ts',
  'test/e2e/limits-held.test.ts',
  'test/e2e/limits-races.test.ts',
  'test/e2e/limits-ending.test.ts',
  'test/e2e/security.test.ts',
  'test/e2e/auth.test.ts',
  'test/e2e/kb.test.ts',
  'test/e2e/limits.test.ts',
  'test/sandbox/cli.test.ts',
  'test/sandbox/page.test.ts',
  'test/sandbox/browser.test.ts',
  'test/e2e/guarantees.test.ts',
]

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const at = LONGEST.indexOf(relative(file.project.config.root, file.moduleId).replaceAll('\\', '/'))
      return at === -1 ? LONGEST.length : at
    }
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b))
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end files start bundle processes and servers, then spend much of their time waiting on them (retry
    // back-offs the SDK and the transport sleep, the media budget, Zendesk's deliveries): with two files at a time
    // a 2-core machine sat a third idle; three keep it busy and still responsive.
    maxWorkers: 3,
    // Test files share their worker's process instead of starting one each: a fresh process re-imports vitest and
    // the emulators and compiles again the OpenAPI validators a file uses, which made up a third of the suite's
    // CPU. Files run one after the other in a worker; each starts and closes its own emulators and bundle
    // processes, and none mocks modules or changes globals for good.
    isolate: false,
    sequence: { sequencer: LongestFirst },
    // No token, secret or signing secret may reach the integration's output anywhere in the suite.
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
})
