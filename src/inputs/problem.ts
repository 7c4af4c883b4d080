/** A bad input value: which input, what is wrong with the value, and what would be accepted. */
export class InputProblem extends Error {
  readonly input: string;
  readonly problem: string;
  readonly accepted: string;

  constructor(input: string, problem: string, accepted: string) {
    super(`Input '${input}': ${problem}. Accepted: ${accepted}.`);
    this.name = 'InputProblem';
    this.input = input;
    this.problem = problem;
    this.accepted = accepted;
  }
}

/** Every bad input of one run, reported together so a user fixes them in one go. */
export class InvalidInputs extends Error {
  readonly problems: readonly InputProblem[];

  constructor(problems: readonly InputProblem[]) {
    super(problems.map(p => p.message).join('\n'));
    this.name = 'InvalidInputs';
    this.problems = problems;
  }
}

/** Thrown by a parser: the reader adds the input's name. */
export class ValueProblem extends Error {
  readonly accepted: string;

  constructor(problem: string, accepted: string) {
    super(problem);
    this.name = 'ValueProblem';
    this.accepted = accepted;
  }
}
