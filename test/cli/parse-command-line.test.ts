import { describe, expect, it } from 'vitest';
import { CLI_COMMANDS } from '../../src/adapters/cli/cli-commands.js';
import { parseCommandLine, type CommandLine } from '../../src/adapters/cli/parse-command-line.js';

const parse = (...argv: string[]): CommandLine => parseCommandLine(argv, CLI_COMMANDS, '/home/op/project');
const usage = (line: CommandLine): string => (line.type === 'usage' ? line.message : `not a usage error: ${line.type}`);
const helpFor = (line: CommandLine): string | undefined => (line.type === 'help' ? (line.command?.name ?? 'global') : undefined);

describe('parseCommandLine', () => {
  it('accepts --db before or after the command', () => {
    for (const argv of [['--db', 'memory', 'ls'], ['ls', '--db', 'memory'], ['ls', '--db=memory']]) {
      const line = parse(...argv);
      expect(line.type === 'run' && [line.command.name, line.db]).toEqual(['ls', 'memory']);
    }
  });

  it('leaves --db out when it is not given', () => {
    const line = parse('ls');
    expect(line.type === 'run' && 'db' in line).toBe(false);
  });

  it.each([
    [['--help'], 'global'],
    [['-h'], 'global'],
    [['help'], 'global'],
    [['help', 'peer'], 'peer'],
    // `help` is no command of the list, but its help is the global one (help always exits 0).
    [['help', 'help'], 'global'],
    [['help', '--help'], 'global'],
    [['peer', '--help'], 'peer'],
    [['peer', '-h'], 'peer'],
    [['--db', 'memory', 'history', '-h'], 'history'],
    // Help wins over the arity and option errors it is asked to explain.
    [['peer', 'only-one', '--bogus', '--help'], 'peer'],
  ])('shows help for %j', (argv, topic) => {
    expect(helpFor(parse(...argv))).toBe(topic);
  });

  it.each([
    [['frob'], 'unknown command `frob`'],
    [['help', 'frob'], 'unknown command `frob`'],
    [['lss'], 'unknown command `lss` (did you mean `ls`?)'],
    [['peeer', 'a', 'b'], 'unknown command `peeer` (did you mean `peer`?)'],
    [['unper', 'a', 'b'], 'unknown command `unper` (did you mean `unpeer`?)'],
    [['mpc', '--pod', 'a'], 'unknown command `mpc` (did you mean `mcp`?)'],
    [['Serve'], 'unknown command `Serve` (did you mean `serve`?)'],
    [['histroy', 'a'], 'unknown command `histroy` (did you mean `history`?)'],
    [['hlep'], 'unknown command `hlep` (did you mean `help`?)'],
    [['help', 'toool'], 'unknown command `toool` (did you mean `tool`?)'],
    [['prof'], 'unknown command `prof` (did you mean `profile`?)'],
    [['help', 'peer', 'ls'], 'help takes at most one command name'],
    [['--bogus'], "unknown option '--bogus'"],
    [['ls', '--bogus'], "unknown option '--bogus'"],
    [['ls', 'extra'], 'takes no arguments, got 1'],
    [['ls', '--json=yes'], "option '--json' does not take an argument"],
    [['ls', '--db'], "option '--db <value>' argument missing"],
    [['--after', '3', 'history', 'a'], '--after is not a global option; put command options after the command'],
    [['peer', 'a'], 'expected 2 arguments (A B), got 1'],
    [['peer', 'a', 'b', 'c'], 'expected 2 arguments (A B), got 3'],
    [['peer', 'a', '-b'], "unknown option '-b'"],
    [['peer', 'a', 'b c'], 'invalid pod name: b c (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit)'],
    [['create', '.hidden'], 'invalid pod name: .hidden (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit)'],
    [['create', 'a', '--scope', 'rw:/x'], '--scope rw:/x: invalid permission "rw": must be "read" or "write"'],
    [['create', 'a', '--scope', 'read:x'], '--scope read:x: invalid path x: must be absolute'],
    [['tool', 'a', 'ListPods'], 'expected 3 arguments (NAME TOOL JSON), got 2'],
    [['history', 'a', '--after', '-1'], '--after must be a whole number of at least 0, got "-1"'],
    [['history', 'a', '--after=-1'], '--after must be a whole number of at least 0, got "-1"'],
    [['explain', 'a', '-1'], 'SEQ must be a whole number of at least 1, got "-1"'],
    [['explain', 'a', '-2', 'extra'], 'expected 2 arguments (NAME SEQ), got 3'],
    [['peer', 'a', '-1x'], 'invalid pod name: -1x (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit)'],
    [['create', ''], 'invalid pod name: the name is empty (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit)'],
    [['history', 'a', '--after', 'x'], '--after must be a whole number of at least 0, got "x"'],
    [['history', 'a', '--limit', '0'], '--limit must be a whole number of at least 1, got "0"'],
    [['explain', 'a', '0'], 'SEQ must be a whole number of at least 1, got "0"'],
    [['explain', 'a', '1.5'], 'SEQ must be a whole number of at least 1, got "1.5"'],
  ])('refuses %j', (argv, message) => {
    expect(usage(parse(...argv))).toBe(message);
  });

  it('says which command a usage error belongs to', () => {
    const line = parse('peer', 'a');
    expect(line.type === 'usage' && line.command?.name).toBe('peer');
  });

  it('refuses JSON that does not parse', () => {
    expect(usage(parse('tool', 'a', 'ListPods', '{'))).toMatch(/^the JSON input does not parse: /);
  });

  it.each([[[]], [['tui']], [['tui', '--pod', 'x']], [['--db', 'memory']]])('runs the TUI for %j', (argv) => {
    const line = parse(...argv);
    expect(line.type === 'run' && line.command.name).toBe('tui');
  });

  it('checks the TUI\'s arguments before opening a store', () => {
    expect(usage(parse('tui', 'extra'))).toBe('takes no arguments, got 1');
    expect(usage(parse('tui', '--pod', 'a/b'))).toMatch(/^invalid pod name: a\/b /);
  });

  it('parses serve with repeated --pod, and refuses a bad name or a positional', () => {
    expect(parse('serve', '--pod', 'a', '--pod', 'b')).toMatchObject({ type: 'run', command: { name: 'serve' } });
    expect(parse('serve', '--pod', 'a/b')).toMatchObject({ type: 'usage', message: expect.stringMatching(/^invalid pod name: a\/b/) });
    expect(parse('serve', 'a')).toMatchObject({ type: 'usage', message: 'takes no arguments, got 1' });
  });

  it('treats option names that exist on Object.prototype as unknown', () => {
    expect(usage(parse('--constructor', 'ls'))).toBe('--constructor is not a global option; put command options after the command');
    expect(usage(parse('toString'))).toBe('unknown command `toString`');
  });
});
