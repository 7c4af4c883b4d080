import { accessSync, constants, statSync } from 'node:fs';
import { ValueProblem } from './problem.ts';
import type { Parser } from './read.ts';

/** A path to a readable regular file, checked before anything uses it. */
export const existingFile: Parser<string> = raw => {
  const accepted = 'the path of a readable file';
  try {
    if (!statSync(raw).isFile()) throw new ValueProblem(`${raw} is not a file`, accepted);
    accessSync(raw, constants.R_OK);
  } catch (error) {
    if (error instanceof ValueProblem) throw error;
    throw new ValueProblem(
      `${raw} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      accepted
    );
  }
  return raw;
};
