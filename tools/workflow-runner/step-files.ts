/** The per-step command files (GITHUB_OUTPUT, GITHUB_ENV, ...) and what a step wrote to them. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseKeyValueFile, parsePathFile } from './file-commands.ts';

export interface StepFiles {
  GITHUB_OUTPUT: string;
  GITHUB_ENV: string;
  GITHUB_PATH: string;
  GITHUB_STEP_SUMMARY: string;
  GITHUB_STATE: string;
}

export interface StepFileContents {
  outputs: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  summary: string;
  state: Record<string, string>;
}

export async function createStepFiles(dir: string): Promise<StepFiles> {
  await mkdir(dir, { recursive: true });
  const files: StepFiles = {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_PATH: join(dir, 'path'),
    GITHUB_STEP_SUMMARY: join(dir, 'step_summary'),
    GITHUB_STATE: join(dir, 'state')
  };
  await Promise.all(Object.values(files).map(file => writeFile(file, '')));
  return files;
}

export async function readStepFiles(files: StepFiles): Promise<StepFileContents> {
  const read = (file: string): Promise<string> => readFile(file, 'utf8');
  return {
    outputs: parseKeyValueFile(await read(files.GITHUB_OUTPUT), 'GITHUB_OUTPUT'),
    env: parseKeyValueFile(await read(files.GITHUB_ENV), 'GITHUB_ENV'),
    path: parsePathFile(await read(files.GITHUB_PATH)),
    summary: await read(files.GITHUB_STEP_SUMMARY),
    state: parseKeyValueFile(await read(files.GITHUB_STATE), 'GITHUB_STATE')
  };
}
