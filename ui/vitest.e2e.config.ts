// Browser flows on the built UI (dist/) with the mock backend, driven by Playwright in the
// system's Chromium. Run after `vite build`: `npm run e2e`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
