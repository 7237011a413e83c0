import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Multi-process tests spawn children and share one PostgreSQL; two workers match the 2-core machines.
    maxWorkers: 2,
  },
})
