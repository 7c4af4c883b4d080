// Bundles each action (actions/<name>/index.ts) with @vercel/ncc into actions/<name>/dist/.
// With --check, bundles in memory instead and fails unless the committed dist/ is byte for
// byte what the sources produce.
import ncc from '@vercel/ncc';
import { minify } from 'terser';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { readActionMetadata } from './runner/action-metadata.ts';
import { DECLARED_INPUTS_FILE, declaredInputsSource } from './declared-inputs.ts';

const root = join(import.meta.dirname, '..');
const check = process.argv.includes('--check');
const only = process.argv.slice(2).filter(arg => !arg.startsWith('--'));

interface Asset {
  source: string | Buffer;
  permissions?: number;
}

async function bundle(action: string): Promise<Map<string, Buffer>> {
  const entry = join(root, 'actions', action, 'index.ts');
  const { code, assets } = (await ncc(entry, {
    cache: false,
    minify: true,
    sourceMap: false,
    quiet: true,
    transpileOnly: true,
    target: 'es2022',
    license: 'licenses.txt'
  })) as { code: string; assets: Record<string, Asset> };
  const files = new Map<string, Buffer>([['index.js', Buffer.from(code)]]);
  for (const [name, asset] of Object.entries(assets)) {
    // The relocator also copies the manifests it sees the renderer read; the bundle reads them
    // from manifests/ in the action's repository instead, so there is one copy of each.
    if (/\.(ya?ml|sh)$/.test(name) || name.includes('/')) continue;
    // ncc minifies only the entry; the lazily loaded chunks hold most of the code.
    const source = /\.js$/.test(name) ? await minifyChunk(String(asset.source)) : asset.source;
    files.set(name, Buffer.from(source));
  }
  return files;
}

async function minifyChunk(source: string): Promise<string> {
  const result = await minify(source, {
    module: true,
    compress: true,
    mangle: true,
    format: { comments: false }
  });
  if (result.code === undefined) throw new Error('terser produced no code');
  return result.code;
}

function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(dir)) return files;
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

function differences(expected: Map<string, Buffer>, actual: Map<string, Buffer>): string[] {
  const names = new Set([...expected.keys(), ...actual.keys()]);
  const problems: string[] = [];
  for (const name of [...names].sort()) {
    const want = expected.get(name);
    const have = actual.get(name);
    if (!have) problems.push(`${name}: missing from the committed bundle`);
    else if (!want) problems.push(`${name}: committed but no longer produced`);
    else if (!want.equals(have)) problems.push(`${name}: differs from a fresh build`);
  }
  return problems;
}

const actions = readdirSync(join(root, 'actions'), { withFileTypes: true })
  .filter(entry => entry.isDirectory() && existsSync(join(root, 'actions', entry.name, 'index.ts')))
  .map(entry => entry.name)
  .filter(name => only.length === 0 || only.includes(name))
  .sort();

let failed = false;
for (const action of actions) {
  // The declared inputs come first: the bundle includes them.
  const declaredPath = join(root, 'actions', action, DECLARED_INPUTS_FILE);
  const declared = await declaredInputsSource(
    readActionMetadata(join(root, 'actions', action)),
    declaredPath
  );
  const current = existsSync(declaredPath) ? readFileSync(declaredPath, 'utf8') : '';
  if (current !== declared) {
    if (check) {
      failed = true;
      console.error(`actions/${action}/${DECLARED_INPUTS_FILE} is stale (run npm run build)`);
      continue;
    }
    writeFileSync(declaredPath, declared);
  }
  let files: Map<string, Buffer>;
  try {
    files = await bundle(action);
  } catch (error) {
    // ncc's errors carry its own minified source in their stack; the message is what matters.
    const message = error instanceof Error ? error.message : String(error);
    console.error(
      `actions/${action}: bundling failed:\n${message.split('\n').slice(0, 20).join('\n')}`
    );
    process.exit(1);
  }
  const dist = join(root, 'actions', action, 'dist');
  if (check) {
    const problems = differences(files, readTree(dist));
    if (problems.length > 0) {
      failed = true;
      console.error(
        `actions/${action}/dist is stale (run npm run build):\n  ${problems.join('\n  ')}`
      );
    } else {
      console.log(`actions/${action}/dist matches its sources (${files.size} files)`);
    }
    continue;
  }
  rmSync(dist, { recursive: true, force: true });
  for (const [name, content] of files) {
    const path = join(dist, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    chmodSync(path, 0o644);
  }
  console.log(
    `actions/${action}/dist: ${files.size} files, index.js ${files.get('index.js')?.length ?? 0} bytes`
  );
}
process.exit(failed ? 1 : 0);
