// Stops the cluster the global setup started (one named by the caller is left running).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function teardown() {
  const dir = process.env.GADGETRON_TEST_CLUSTER;
  if (!dir || process.env.GADGETRON_TEST_CLUSTER_OWNED !== '1') return;
  execFileSync(process.execPath, [join(import.meta.dirname, 'cli.ts'), 'down', '--dir', dir], {
    stdio: 'ignore'
  });
}
