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
  // One real control plane for the run; each test uses a namespace of its own.
  globalSetup: '<rootDir>/tools/cluster/jest-global-setup.js',
  globalTeardown: '<rootDir>/tools/cluster/jest-global-teardown.js',
  // An upper bound, not a window: tests wait for what they need and end as soon as it is there.
  testTimeout: 240000,
  maxWorkers: 2
};
