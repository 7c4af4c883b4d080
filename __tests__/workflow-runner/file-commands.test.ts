import { describe, expect, test } from '@jest/globals';
import { parseKeyValueFile, parsePathFile } from '../../tools/workflow-runner/file-commands.ts';
import { parseWorkflowCommand } from '../../tools/workflow-runner/workflow-commands.ts';

describe('file commands', () => {
  test('reads name=value lines and name<<DELIMITER heredocs', () => {
    const content = 'a=1\nb=x=y\nnotes<<EOF\nline one\n\nline=three\nEOF\nc=\n';
    expect(parseKeyValueFile(content, 'GITHUB_OUTPUT')).toEqual({
      a: '1',
      b: 'x=y',
      notes: 'line one\n\nline=three',
      c: ''
    });
  });

  test('a heredoc without its closing delimiter is an error', () => {
    expect(() => parseKeyValueFile('x<<END\nvalue\n', 'GITHUB_ENV')).toThrow(
      "GITHUB_ENV: matching delimiter not found 'END'"
    );
  });

  test('a line without = or << is an error', () => {
    expect(() => parseKeyValueFile('oops\n', 'GITHUB_OUTPUT')).toThrow("invalid line 'oops'");
  });

  test('GITHUB_PATH holds one directory a line', () => {
    expect(parsePathFile('/a\n\n /b \n')).toEqual(['/a', '/b']);
  });

  test('workflow commands are parsed with escaped properties and data', () => {
    expect(parseWorkflowCommand('::error file=a%3Ab.ts,line=4::bad%0Anews 100%25')).toEqual({
      name: 'error',
      properties: { file: 'a:b.ts', line: '4' },
      message: 'bad\nnews 100%'
    });
    expect(parseWorkflowCommand('plain text')).toBeUndefined();
  });
});
