/**
 * Settings that persist: with reuse-settings, every setting input left empty takes its value
 * from the running release's record, and the word `default` resets a setting to the action's
 * default. Each setting's origin is kept for the summary.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import * as core from '@actions/core';
import type { InputSource } from '../../src/inputs/read.ts';
import { connect } from '../../src/kubernetes/connect.ts';
import { retryPolicy } from '../../src/kubernetes/logging.ts';
import { readRelease } from '../../src/kubernetes/release.ts';
import { checkSettingInputs, SETTING_INPUTS } from './inputs.ts';

export type Origin = 'given' | 'release' | 'default';

/** The word that resets a setting to the action's default under reuse-settings. */
export const RESET = 'default';

export interface ResolvedSettings {
  /** Every setting's text, as it is applied. */
  readonly values: Record<string, string>;
  readonly origins: Record<string, Origin>;
  /** The revision the kept settings came from; undefined when there was no release. */
  readonly fromRevision: number | undefined;
}

/** The inputs' defaults, from the action.yml next to this module (or its bundle's folder). */
export function actionDefaults(from: URL = new URL(import.meta.url)): Record<string, string> {
  const candidates = [new URL('./action.yml', from), new URL('../action.yml', from)];
  const file = candidates.find(url => existsSync(url));
  if (!file) throw new Error('action.yml not found next to the deploy-gadgetron action');
  const action = parse(readFileSync(file, 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? ''])
  );
}

/**
 * Resolves each setting: given text wins; `default` takes the action's default; empty takes
 * the running release's value (the action's default when there is no release). The given
 * values are checked before the cluster is contacted.
 */
export async function reuseSettings(source: InputSource): Promise<ResolvedSettings> {
  const defaults = actionDefaults();
  const given = (name: string) => (source(name) ?? '').trim();
  // Empty ones come from the release, known only once the cluster answers.
  checkSettingInputs(
    SETTING_INPUTS.filter(name => given(name) !== ''),
    name => (given(name) === RESET ? defaults[name] : given(name))
  );
  const client = connect(given('kubeconfig') || undefined);
  const namespace = given('namespace') || (defaults.namespace as string);
  const name = given('name') || (defaults.name as string);
  const release = await readRelease<Record<string, string>>(client, namespace, name, retryPolicy());
  if (release) core.info(`Settings not given are kept from release revision ${release.revision}.`);
  else
    core.info(
      `No release of ${namespace}/${name} is recorded: settings not given take their defaults.`
    );

  const values: Record<string, string> = {};
  const origins: Record<string, Origin> = {};
  for (const setting of SETTING_INPUTS) {
    const text = given(setting);
    const kept = release?.settings[setting];
    if (text !== '' && text !== RESET) {
      values[setting] = text;
      origins[setting] = 'given';
    } else if (text === '' && kept !== undefined) {
      values[setting] = kept;
      origins[setting] = 'release';
    } else {
      values[setting] = defaults[setting] ?? '';
      origins[setting] = 'default';
    }
  }
  return { values, origins, fromRevision: release?.revision };
}
