import { describe, expect, it } from 'vitest';
import { COLON_COMMANDS } from '../../src/adapters/tui/colon-commands.js';
import { parseTuiLine, splitArgs, type TuiLine } from '../../src/adapters/tui/parse-tui-line.js';

const piped = (line: string): TuiLine => parseTuiLine(line, { interactive: false, commands: COLON_COMMANDS });
const onTerminal = (line: string): TuiLine => parseTuiLine(line, { interactive: true, commands: COLON_COMMANDS });
const diagnostic = (line: TuiLine): string => (line.type === 'diagnostic' ? line.message : `not a diagnostic: ${line.type}`);
const commandOf = (line: TuiLine): string => (line.type === 'command' ? line.command.name : `not a command: ${line.type}`);

describe('parseTuiLine', () => {
  it('treats a blank line as nothing, and anything not starting with `:` as a message, as typed', () => {
    expect(piped('')).toEqual({ type: 'blank' });
    expect(piped('   \t')).toEqual({ type: 'blank' });
    expect(piped('hello there ')).toEqual({ type: 'message', text: 'hello there ' });
    expect(piped('/tool ListPods {}')).toEqual({ type: 'message', text: '/tool ListPods {}' });
    expect(piped('what does a:b mean?')).toEqual({ type: 'message', text: 'what does a:b mean?' });
  });

  it('sends `::text` as the message `:text`', () => {
    expect(piped('::peer b')).toEqual({ type: 'message', text: ':peer b' });
    expect(piped('  ::) smile')).toEqual({ type: 'message', text: ':) smile' });
  });

  it.each([
    [':pods', 'pods'],
    ['  :pods  ', 'pods'],
    [':peer b', 'peer'],
    [':unpeer b', 'unpeer'],
    [':restore b', 'restore'],
    [':attach b', 'attach'],
    [':new b', 'new'],
    [':new b --profile coder', 'new'],
    [':new b --profile=coder', 'new'],
    [':new --profile coder b', 'new'],
    [':tool ListPods', 'tool'],
    [':tool SendToPeerPod {"name": "b", "message": "two words"}', 'tool'],
    [':history', 'history'],
    [':history 5', 'history'],
    [':explain 3', 'explain'],
    [':help', 'help'],
    [':help peer', 'help'],
    [':help :peer', 'help'],
    [':quit', 'quit'],
  ])('parses %j as :%s', (line, name) => {
    expect(commandOf(piped(line))).toBe(name);
  });

  it.each([
    [':', 'an empty command; `:help` lists the commands'],
    [': peer b', 'an empty command; `:help` lists the commands'],
    [':frob', 'unknown command `:frob`; `:help` lists the commands'],
    [':Peer b', 'unknown command `:Peer`; `:help` lists the commands'],
    [':frob\u001b[2J', 'unknown command `:"frob\\u001b[2J"`; `:help` lists the commands'],
    [':pods extra', ':pods: takes no arguments; usage: :pods'],
    [':quit now', ':quit: takes no arguments; usage: :quit'],
    [':peer a b', ':peer: too many arguments; usage: :peer [name]'],
    [':attach', ':attach: <name> is missing; usage: :attach <name>'],
    [':restore', ':restore: <name> is missing; usage: :restore <name>'],
    [':new', ':new: <name> is missing; usage: :new <name> [--profile P]'],
    [':explain', ':explain: <seq> is missing; usage: :explain <seq>'],
    [':tool', ':tool: <Tool> is missing; usage: :tool <Tool> [json]'],
    [':help peer pods', ':help: too many arguments; usage: :help [command]'],
    [':help frob', ':help: unknown command `:frob`; `:help` lists the commands'],
    [':attach a/b', ':attach: invalid pod name: a/b (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit)'],
    // Read as `pods create` reads its words.
    [':new zz --profile', ":new: option '--profile <value>' argument missing"],
    [':new z --bogus', ":new: unknown option '--bogus'"],
    [':new A B', ':new: expected 1 argument (name), got 2'],
    [':new z --profile ../x', ':new: --profile: invalid profile name: ../x (1-64 characters from a-z A-Z 0-9 . _ -, starting with a letter or digit)'],
    [':new .hidden', ':new: invalid pod name: .hidden (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit)'],
    [':peer -b', ':peer: invalid pod name: -b (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit)'],
    [':history 0', ':history: n must be a whole number of at least 1, got "0"'],
    [':history x', ':history: n must be a whole number of at least 1, got "x"'],
    [':explain -1', ':explain: seq must be a whole number of at least 1, got "-1"'],
    [':peer', ':peer: name a Pod (there is no picker when input is not a terminal); usage: :peer [name]'],
    [':unpeer', ':unpeer: name a Pod (there is no picker when input is not a terminal); usage: :unpeer [name]'],
  ])('refuses %j with one line, and never as a message', (line, message) => {
    const parsed = piped(line);
    expect(diagnostic(parsed)).toBe(message);
    expect(message).not.toContain('\n');
  });

  it('refuses :tool input that is not JSON', () => {
    expect(diagnostic(piped(':tool ListPods {nope'))).toMatch(/^:tool: the JSON input does not parse: \S/);
  });

  it('lets a picker stand in for the name of :peer and :unpeer on a terminal only', () => {
    expect(commandOf(onTerminal(':peer'))).toBe('peer');
    expect(commandOf(onTerminal(':unpeer'))).toBe('unpeer');
    expect(piped(':peer').type).toBe('diagnostic');
  });
});

describe('splitArgs', () => {
  const params = [{ name: 'Tool' }, { name: 'json', optional: true, rest: true }] as const;

  it('keeps the rest of the line, spaces included, for a rest parameter', () => {
    expect(splitArgs('  SendToPeerPod  {"a": 1,  "b": 2}  ', params)).toEqual({ ok: true, value: ['SendToPeerPod', '{"a": 1,  "b": 2}'] });
    expect(splitArgs('ListPods', params)).toEqual({ ok: true, value: ['ListPods'] });
  });

  it('names the first missing parameter', () => {
    expect(splitArgs('', params)).toEqual({ ok: false, error: '<Tool> is missing' });
  });
});
