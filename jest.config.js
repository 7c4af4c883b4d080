/** Tests are TypeScript ES modules; ts-jest only transpiles (tsc does the type check). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  // Sources import each other as ./x.ts, which the transpiler rewrites to ./x.js.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }]
  },
  // Generous: a test waits for what must happen, and a busy machine is many times slower.
  testTimeout: 180000,
  maxWorkers: 2
};
