import { InputProblem, InvalidInputs, ValueProblem } from './problem.ts';
import { issueCommand } from '../runtime/commands.ts';
import type { DeclaredInputs } from './declared.ts';
import { closest } from './suggest.ts';

/** Turns the raw (trimmed, non-empty) text of an input into a typed value, or throws ValueProblem. */
export type Parser<T> = (raw: string) => T;

export interface FieldOptions {
  /** Used when the input is empty; `undefined` with `required: false` leaves the value unset. */
  readonly default?: string;
  readonly required?: boolean;
  /** Announce the raw value as a secret before it is parsed, so no log can show it. */
  readonly secret?: boolean;
}

export interface Field<T> extends FieldOptions {
  readonly parse: Parser<T>;
}

type FieldValue<F> =
  F extends Field<infer T>
    ? F extends { required: true }
      ? T
      : F extends { default: string }
        ? T
        : T | undefined
    : never;

export type InputValues<S extends Record<string, Field<unknown>>> = {
  [K in keyof S]: FieldValue<S[K]>;
};

/** The text of an input as given; undefined when it was not given at all. */
export type InputSource = (name: string) => string | undefined;

/** The environment variable the runner uses for an input: upper case, spaces as underscores. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Reads inputs the way the runner passes them: INPUT_<NAME>, upper case, spaces as underscores. */
export function environmentInputs(env: NodeJS.ProcessEnv = process.env): InputSource {
  return name => env[inputVariable(name)];
}

/**
 * Warns about every INPUT_ variable that names no input the action declares, with the closest
 * declared name: GitHub's runner passes such a `with:` key on with a warning of its own, other
 * runners (such as @github/local-action) silently.
 */
export function warnUndeclaredInputs(
  declared: DeclaredInputs,
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = message => issueCommand('warning', {}, message)
): void {
  const known = new Set(Object.keys(declared).map(inputVariable));
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith('INPUT_') || known.has(variable)) continue;
    const given = variable.slice('INPUT_'.length).toLowerCase();
    const suggestion = closest(given, Object.keys(declared));
    warn(
      `Input '${given}' (${variable}) is not an input of this action and is ignored` +
        (suggestion ? `; did you mean '${suggestion}'?` : '.')
    );
  }
}

/** Declares an input; the options' literal types decide whether its value may be undefined. */
export function field<T, const O extends FieldOptions = object>(
  parse: Parser<T>,
  options?: O
): Field<T> & O {
  return { parse, ...options } as Field<T> & O;
}

/**
 * Reads and validates every input of an action at once. All problems are collected and thrown
 * together as InvalidInputs, before the action makes any request.
 *
 * An input that was not given takes its default from action.yml (`declared`): GitHub's runner
 * applies those itself, other runners do not. GitHub's runner passes an input without a
 * default that was not given as empty text, so for those "empty" and "not given" are one case.
 */
export function readInputs<S extends Record<string, Field<unknown>>>(
  fields: S,
  declared: DeclaredInputs,
  source: InputSource = environmentInputs(),
  onSecret: (value: string) => void = value => issueCommand('add-mask', {}, value)
): InputValues<S> {
  const values: Record<string, unknown> = {};
  const problems: InputProblem[] = [];
  for (const [name, spec] of Object.entries(fields)) {
    const fallback = declared[name]?.default;
    const given = source(name) ?? fallback;
    const trimmed = (given ?? '').trim();
    if (trimmed && spec.secret) onSecret(trimmed);
    const raw = trimmed || spec.default || '';
    if (!raw) {
      if (spec.required) {
        problems.push(new InputProblem(name, missing(given, fallback), describeAccepted(spec)));
      }
      values[name] = undefined;
      continue;
    }
    try {
      values[name] = spec.parse(raw);
    } catch (error) {
      if (!(error instanceof ValueProblem)) throw error;
      problems.push(new InputProblem(name, error.message, error.accepted));
    }
  }
  if (problems.length > 0) throw new InvalidInputs(problems);
  return values as InputValues<S>;
}

/** Why a required input has no value, as precisely as the runner's conventions allow. */
function missing(given: string | undefined, fallback: string | undefined): string {
  // Often an expression that came out empty: say so, rather than "not given".
  if (given !== undefined && fallback) {
    return `was given as empty text; give a value, or leave the input out for its default (${fallback})`;
  }
  if (given !== undefined && fallback === undefined) {
    return 'is required but was not given, or was given as empty text';
  }
  return 'is required but was not given';
}

function describeAccepted(spec: Field<unknown>): string {
  try {
    spec.parse('');
  } catch (error) {
    if (error instanceof ValueProblem) return error.accepted;
  }
  return 'a non-empty value';
}
