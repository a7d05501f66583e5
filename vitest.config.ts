import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // End-to-end files start bundle processes and servers: a few at a time keeps a 2-core machine responsive.
    maxWorkers: 2,
    // No token, secret or signing secret may reach the integration's output anywhere in the suite.
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
})
