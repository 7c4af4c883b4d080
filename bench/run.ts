// npm run bench: how fast the suite is, measured on this checkout. Prints one table per part and
// writes everything to bench/results.json. See bench/README.md for how to read it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measureColdStarts } from './cold-start.ts';
import { benchDeploy } from './deploy.ts';
import { ms } from './stats.ts';
import { table } from '../src/summary/markdown.ts';

const root = join(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');

const coldStarts = await measureColdStarts(root, quick ? 5 : 21);
console.log('\n## Cold start: process start to first output (inputs invalid)\n');
console.log(
  table(
    ['Action', 'Bundle (all chunks)', 'Entry chunk', 'Median', 'Min', 'p90', 'Max', 'Runs'],
    coldStarts.map(c => [
      c.action,
      `${c.bundleBytes} B`,
      `${c.entryBytes} B`,
      ms(c.firstOutput.median),
      ms(c.firstOutput.min),
      ms(c.firstOutput.p90),
      ms(c.firstOutput.max),
      String(c.firstOutput.n)
    ])
  )
);

const deploy = await benchDeploy(root, {
  replicas: 4,
  podReadyDelayMs: quick ? 300 : 1000,
  upgrades: quick ? 3 : 7
});
console.log(
  `\n## Image upgrade of ${deploy.replicas} replicas (pods Ready ${deploy.podReadyDelayMs} ms after start)\n`
);
console.log(
  table(
    ['Measure', 'Median', 'Min', 'Max', 'Target'],
    [
      [
        'Wall time',
        ms(deploy.upgrade.wallMs.median),
        ms(deploy.upgrade.wallMs.min),
        ms(deploy.upgrade.wallMs.max),
        ''
      ],
      ['Critical path', ms(deploy.upgrade.criticalPathMs), '', '', ''],
      ['Wall / critical path', deploy.upgrade.ratio.toFixed(3), '', '', '≤ 1.05'],
      [
        'Detection: last pod Ready → exit',
        ms(deploy.detection.median),
        ms(deploy.detection.min),
        ms(deploy.detection.max),
        '< 250 ms'
      ]
    ]
  )
);
console.log('\n## Requests per deploy-gadgetron run (verb resource: count)\n');
const kinds = [
  ...new Set([
    ...Object.keys(deploy.requests.firstDeploy),
    ...Object.keys(deploy.requests.rerun),
    ...Object.keys(deploy.requests.upgrade)
  ])
].sort();
console.log(
  table(
    ['Request', 'First deploy', 'Re-run', 'Upgrade'],
    kinds.map(k => [
      k,
      String(deploy.requests.firstDeploy[k] ?? 0),
      String(deploy.requests.rerun[k] ?? 0),
      String(deploy.requests.upgrade[k] ?? 0)
    ])
  )
);

mkdirSync(join(root, 'bench'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results.json'),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, coldStarts, deploy }, null, 2)}\n`
);
console.log('\nWritten to bench/results.json');
