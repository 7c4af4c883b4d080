/**
 * The log of one step: interprets workflow commands in the process output, masks secrets,
 * keeps the rendered text and streams each line to the run's sink.
 */
import type { Masker } from './masker.ts';
import { parseWorkflowCommand } from './workflow-commands.ts';
import type { WorkflowCommand } from './workflow-commands.ts';

export interface CommandEffects {
  outputs: Record<string, string>;
  state: Record<string, string>;
}

const ANNOTATION_LABELS: Record<string, string> = {
  error: 'Error',
  warning: 'Warning',
  notice: 'Notice'
};

function location(props: Record<string, string>): string {
  if (!props.file) return '';
  const line = props.line ? `:${props.line}` : '';
  const col = props.col ? `:${props.col}` : '';
  return ` (${props.file}${line}${col})`;
}

export class StepLog {
  readonly effects: CommandEffects = { outputs: {}, state: {} };
  private readonly lines: string[] = [];
  private readonly masker: Masker;
  private readonly sink: (line: string) => void;
  private indent = '';
  private stopToken: string | undefined;

  constructor(masker: Masker, sink: (line: string) => void) {
    this.masker = masker;
    this.sink = sink;
  }

  /** Adds a line the runner itself produces (no command processing). */
  note(line: string): void {
    const masked = this.masker.mask(line);
    this.lines.push(masked);
    this.sink(masked);
  }

  /** Adds a line of process output, interpreting workflow commands. */
  write(raw: string): void {
    const command = parseWorkflowCommand(raw);
    if (this.stopToken !== undefined) {
      if (command?.name === this.stopToken) this.stopToken = undefined;
      else this.note(this.indent + raw);
      return;
    }
    if (!command) {
      this.note(this.indent + raw);
      return;
    }
    const indent = this.indent;
    const rendered = this.apply(command, raw);
    if (rendered !== undefined) this.note(indent + rendered);
  }

  text(): string {
    return this.lines.join('\n');
  }

  private apply(command: WorkflowCommand, raw: string): string | undefined {
    const { name, properties, message } = command;
    switch (name) {
      case 'add-mask':
        this.masker.add(message);
        return undefined;
      case 'error':
      case 'warning':
      case 'notice': {
        const title = properties.title ? `${properties.title}: ` : '';
        return `${ANNOTATION_LABELS[name]}: ${title}${message}${location(properties)}`;
      }
      case 'debug':
        // Hidden unless step debug logging is on, as on GitHub.
        return process.env.ACTIONS_STEP_DEBUG === 'true' ? `[debug] ${message}` : undefined;
      case 'group':
        this.indent += '  ';
        return `▸ ${message}`;
      case 'endgroup':
        this.indent = this.indent.slice(2);
        return undefined;
      case 'set-output':
        this.effects.outputs[properties.name ?? ''] = message;
        return `Warning: the set-output command is deprecated; write to GITHUB_OUTPUT (output '${properties.name}')`;
      case 'save-state':
        this.effects.state[properties.name ?? ''] = message;
        return `Warning: the save-state command is deprecated; write to GITHUB_STATE (state '${properties.name}')`;
      case 'stop-commands':
        this.stopToken = message;
        return undefined;
      case 'echo':
        return undefined;
      default:
        return raw;
    }
  }
}
