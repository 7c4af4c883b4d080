import { checkNodeVersion } from '../../src/runtime/node-version.ts';

// The entrypoint of the bundle. The Node.js check comes first and main.ts is loaded only
// after it, so an old Node prints why it cannot run the action instead of a stack trace.
if (checkNodeVersion()) {
  const { run } = await import('./main.ts');
  await run();
}
