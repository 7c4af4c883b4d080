import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inputVariable, readActionMetadata } from '../tools/runner/action-metadata.ts';
import { spread, type Spread } from './stats.ts';

export interface ColdStart {
  readonly action: string;
  readonly bundleBytes: number;
  readonly entryBytes: number;
  readonly firstOutput: Spread;
}

/** Bytes of everything the action ships in dist/ (entry and lazily loaded chunks). */
function bundleBytes(dist: string): number {
  return readdirSync(dist)
    .filter(name => name.endsWith('.js'))
    .reduce((sum, name) => sum + statSync(join(dist, name)).size, 0);
}

/**
 * Time from spawning `node dist/index.js` to its first byte of output, with the action's
 * defaults and its first required input left empty: the run stops at input validation.
 */
async function firstOutputMs(actionDir: string): Promise<number> {
  const metadata = readActionMetadata(actionDir);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const [name, input] of Object.entries(metadata.inputs))
    env[inputVariable(name)] = input.default ?? '';
  const started = performance.now();
  const child = spawn(process.execPath, [join(actionDir, metadata.runs.main)], {
    env,
    stdio: ['ignore', 'pipe', 'ignore']
  });
  const first = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', () => resolve(performance.now() - started));
    child.once('close', () => reject(new Error(`${actionDir} exited without output`)));
  });
  await new Promise(resolve => child.once('close', resolve));
  return first;
}

export async function measureColdStarts(root: string, runs: number): Promise<ColdStart[]> {
  const results: ColdStart[] = [];
  for (const action of readdirSync(join(root, 'actions')).sort()) {
    const actionDir = join(root, 'actions', action);
    const dist = join(actionDir, 'dist');
    try {
      statSync(join(dist, 'index.js'));
    } catch {
      continue;
    }
    await firstOutputMs(actionDir); // warm the file cache once
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await firstOutputMs(actionDir));
    results.push({
      action,
      bundleBytes: bundleBytes(dist),
      entryBytes: statSync(join(dist, 'index.js')).size,
      firstOutput: spread(samples)
    });
  }
  return results;
}
