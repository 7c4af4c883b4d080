// Starts one local cluster for the whole test run (each test takes a namespace of it), unless
// GADGETRON_TEST_CLUSTER already names a running one (`npm run cluster -- up --dir DIR`).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = join(import.meta.dirname, 'cli.ts');

export default function setup() {
  const given = process.env.GADGETRON_TEST_CLUSTER;
  if (given && existsSync(join(given, 'cluster.json'))) return;
  const dir = join(mkdtempSync(join(tmpdir(), 'gadgetron-test-')), 'cluster');
  const started = Date.now();
  execFileSync(process.execPath, [cli, 'up', '--dir', dir], {
    stdio: ['ignore', 'ignore', 'inherit']
  });
  process.stderr.write(`\nlocal cluster up in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  process.env.GADGETRON_TEST_CLUSTER = dir;
  process.env.GADGETRON_TEST_CLUSTER_OWNED = '1';
}
