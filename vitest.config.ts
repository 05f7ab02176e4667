import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // one PostgreSQL server for the run: TEST_DATABASE_URL, or a throwaway embedded one
    globalSetup: ['tests/support/postgres-server.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // a page's answer to a click (htmx, a browser under a loaded CI machine) may take seconds, not the default one
    expect: { poll: { timeout: 10_000 } },
    // crawls, browsers and database servers share two cores: keep files from starving each other
    maxWorkers: 2,
  },
})
