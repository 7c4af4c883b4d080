/** What action.yml says about one input: whether it is required and its default. */
export interface DeclaredInput {
  readonly required: boolean;
  readonly default?: string;
}

/** Every input an action declares, by name (see tools/declared-inputs.ts). */
export type DeclaredInputs = Readonly<Record<string, DeclaredInput>>;
