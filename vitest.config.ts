import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'exercises/**/*.test.ts',
      'tests/unit/**/*.test.ts',
      'tests/kernel/**/*.test.ts',
      'tests/fuzz/**/*.test.ts',
      'tests/netfilter/**/*.test.ts',
      'tests/seeds/**/*.test.ts',
    ],
    environment: 'node',
    // Kernel differential tests mutate real network namespaces; keep files from racing each other.
    fileParallelism: true,
  },
});
