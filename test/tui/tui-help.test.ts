import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tuiCommand } from '../../src/adapters/cli/commands/tui-command.js';
import { usageOf } from '../../src/adapters/tui/colon-command.js';
import { COLON_COMMANDS } from '../../src/adapters/tui/colon-commands.js';
import { parseTuiLine } from '../../src/adapters/tui/parse-tui-line.js';
import { renderTuiHelp } from '../../src/adapters/tui/render-tui-help.js';

const help = (topic?: string): readonly string[] => {
  const rendered = renderTuiHelp(COLON_COMMANDS, topic);
  if (!rendered.ok) throw new Error(rendered.error);
  return rendered.value;
};
const parse = (line: string) => parseTuiLine(line, { interactive: true, commands: COLON_COMMANDS });

describe('TUI help, checked against the command table', () => {
  it('has exactly the commands SPEC §6 and the issue name', () => {
    expect(COLON_COMMANDS.map(usageOf)).toEqual([
      ':help [command]', ':peer [name]', ':unpeer [name]', ':pods', ':dash', ':restore <name>', ':attach <name>', ':new <name> [--profile P]',
      ':tool <Tool> [json]', ':history [n]', ':older [n]', ':explain <seq>', ':edit', ':quit',
    ]);
  });

  it('lists every command with its usage and summary, one line each', () => {
    const text = help();
    for (const command of COLON_COMMANDS) {
      expect(text.filter((line) => line.trimStart().startsWith(`${usageOf(command)} `) && line.endsWith(command.summary))).toHaveLength(1);
    }
    expect(text.join('\n')).toMatch(/Ctrl\+C clears the\s+line, or else cancels the running turn[^]*a second Ctrl\+C or Ctrl\+D quits/);
    expect(text.join('\n')).toMatch(/A paste is one message, never a command/);
  });

  it.each(COLON_COMMANDS.map((c) => [c.name, c] as const))('explains :%s with its usage and details', (name, command) => {
    const text = help(name);
    expect(text[0]).toBe(`${usageOf(command)}: ${command.summary}`);
    expect(text.slice(1).map((line) => line.trim()).join('\n')).toBe(command.details);
    expect(help(`:${name}`)).toEqual(text);
  });

  it.each(COLON_COMMANDS.map((c) => [c.name, c] as const))('parses :%s exactly as its usage says', (name, command) => {
    const required = command.params.filter((p) => !p.optional);
    // An option parameter (`--profile P`) is given as its usage spells it.
    const word = (i: number): string => {
      const param = command.params[i];
      if (param?.completes === 'command') return 'peer';
      if (param?.name.startsWith('--')) return param.name.replace(/ \S+$/, ' p7');
      return i === 1 ? '{}' : '7';
    };
    const words = (n: number) => Array.from({ length: n }, (_, i) => word(i)).join(' ');
    expect(parse(`:${name} ${words(command.params.length)}`).type).toBe('command');
    expect(parse(`:${name} ${words(required.length)}`).type).toBe('command');
    if (required.length > 0) {
      expect(parse(`:${name} ${words(required.length - 1)}`)).toMatchObject({ message: expect.stringContaining(`<${required.at(-1)?.name}> is missing`) });
    }
    if (!command.params.some((p) => p.rest)) {
      expect(parse(`:${name} ${words(command.params.length + 1)}`)).toMatchObject({ type: 'diagnostic' });
    }
  });

  it('states what :peer grants and what it does not', () => {
    const text = help('peer').join(' ');
    for (const phrase of ['reciprocal', 'SendToPeerPod', 'no filesystem scope', 'no output cursor', 'no SendToPod/StopPod control', 'parent and its spawned child', 'Only an operator']) {
      expect(text).toContain(phrase);
    }
  });

  it('is what `pods tui --help` lists, in the same order', () => {
    const listed = /`:help` lists them \(([^)]*)\)/.exec(tuiCommand.details.replace(/\n/g, ' '))?.[1];
    expect(listed?.split(', ')).toEqual(COLON_COMMANDS.filter((c) => c.name !== 'help').map((c) => `\`:${c.name}\``));
  });

  it('is what docs/tui.md documents', () => {
    const doc = readFileSync(new URL('../../docs/tui.md', import.meta.url), 'utf8');
    for (const command of COLON_COMMANDS) expect(doc).toContain(`\`${usageOf(command)}\``);
  });
});
