/** A user's caller workflow, made runnable against this checkout's reusable workflows. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

const REMOTE_WORKFLOW =
  /(uses:\s*)[\w.-]+\/gadgetron-actions\/\.github\/workflows\/([\w.-]+\.ya?ml)@\S+/g;

/**
 * Rewrites `uses: OWNER/gadgetron-actions/.github/workflows/NAME@REF` to this checkout's
 * `./.github/workflows/NAME`, writes the result under `dir` (inside `root`) and returns its
 * path relative to `root`, as the workflow runner takes it.
 */
export function localCaller(file: string, root: string, dir: string): string {
  const text = readFileSync(file, 'utf8');
  const rewritten = text.replace(REMOTE_WORKFLOW, '$1./.github/workflows/$2');
  if (rewritten === text) {
    throw new Error(
      `${file} calls none of the reusable workflows (uses: OWNER/gadgetron-actions/.github/workflows/NAME.yml@REF)`
    );
  }
  mkdirSync(dir, { recursive: true });
  const target = join(dir, basename(file));
  writeFileSync(target, rewritten);
  return relative(root, target);
}
