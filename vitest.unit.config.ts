import { defineConfig } from 'vitest/config';

// Pure code from core/ (and scripts' helpers) in Node.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
