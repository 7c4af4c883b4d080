import { InputProblem, InvalidInputs, ValueProblem } from './problem.ts';
import { issueCommand } from '../runtime/commands.ts';

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

export type InputSource = (name: string) => string | undefined;

/** Reads inputs the way the runner passes them: INPUT_<NAME>, upper case, spaces as underscores. */
export function environmentInputs(env: NodeJS.ProcessEnv = process.env): InputSource {
  return name => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];
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
 */
export function readInputs<S extends Record<string, Field<unknown>>>(
  fields: S,
  source: InputSource = environmentInputs(),
  onSecret: (value: string) => void = value => issueCommand('add-mask', {}, value)
): InputValues<S> {
  const values: Record<string, unknown> = {};
  const problems: InputProblem[] = [];
  for (const [name, spec] of Object.entries(fields)) {
    const given = (source(name) ?? '').trim();
    if (given && spec.secret) onSecret(given);
    const raw = given || spec.default || '';
    if (!raw) {
      if (spec.required) {
        problems.push(
          new InputProblem(name, 'is required but was not given', describeAccepted(spec))
        );
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

function describeAccepted(spec: Field<unknown>): string {
  try {
    spec.parse('');
  } catch (error) {
    if (error instanceof ValueProblem) return error.accepted;
  }
  return 'a non-empty value';
}
