import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // forks, not threads: a native fault in a worker thread would take the whole runner down.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
