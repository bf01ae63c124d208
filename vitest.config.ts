import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'electron/**/*.test.ts', 'renderer/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    // Vitest's default (one core less than the machine has) is a single worker on the two-core
    // CI machine; the crash-loop files then hold up everything else for minutes. Two workers
    // use both cores.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
