import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO, Sandbox } from './harness.js';

const COMMANDS = ['list', 'show', 'create', 'comment', 'review', 'status', 'close', 'doctor'];

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

describe('help', () => {
  it.each([[[]], [['help']], [['--help']], [['-h']]])('%j prints the usage with every command and exits 0', (args) => {
    const r = sb.run(args);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith('usage: tickets.sh <command> [arguments]\n')).toBe(true);
    for (const command of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(r.stdout).toContain('Exit status: 0 ok, 1 error or doctor findings, 2 usage error, 3 internal error.');
  });

  it.each(COMMANDS)('%s --help and help %s print the same command help', (command) => {
    const a = sb.run([command, '--help']);
    const b = sb.run(['help', command]);
    expect(a.code).toBe(0);
    expect(a.stdout.startsWith(`usage: tickets.sh ${command}`)).toBe(true);
    expect(b.stdout).toBe(a.stdout);
  });

  it('the general usage lists each command with the usage line of its own help', () => {
    const general = sb.ok(['help']);
    for (const command of COMMANDS) {
      const usage = sb.ok([command, '--help']).split('\n')[0]?.replace('usage: tickets.sh ', '  ');
      expect(general.split('\n')).toContain(usage);
    }
  });

  it('docs/tickets.md documents every doctor code with its name and severity', () => {
    const doc = fs.readFileSync(path.join(REPO, 'docs', 'tickets.md'), 'utf8');
    const codes = sb
      .ok(['doctor', '--help'])
      .split('\n')
      .map((line) => /^ {2}(T\d{3}) (\S+)\s+(error|warning)/.exec(line))
      .filter((m) => m !== null);
    expect(codes.length).toBe(31);
    for (const [, code, name, severity] of codes) expect(doc).toMatch(new RegExp(`\\| ${code} \\| \`${name}\` \\| ${severity} \\|`));
  });
});

describe('usage errors exit 2 and write nothing', () => {
  it.each([
    [['bogus'], 'error: unknown command: bogus'],
    [['help', 'bogus'], 'error: unknown command: bogus'],
    [['list', '--frobnicate'], 'error: unknown list argument: --frobnicate'],
    [['list', '--status'], 'error: --status requires a value'],
    [['list', '--status', 'done'], 'error: invalid status: done (use open, pending, closed or all)'],
    [['list', 'extra'], 'error: unexpected argument: extra'],
    [['show'], 'error: show requires <item>'],
    [['status', 'x'], 'error: status requires <item> <open|pending>'],
    [['create'], 'error: create requires --title'],
    [['create', '--title', '--kind', 'bug'], 'error: --title requires a value'],
    [['create', '--title', 'a', '--title', 'b'], 'error: --title given more than once'],
    [['create', '--title', 'a', '--kind', 'epic'], 'error: invalid kind: epic (use task, feature, bug, audit, docs, chore)'],
    [['create', '--title', 'a', '--priority', 'P9'], 'error: invalid priority: P9 (use P0, P1, P2, P3)'],
    [['create', '--title', 'a', '--slug', 'Not A Slug'], "error: invalid slug: Not A Slug (use lowercase a-z, 0-9 and single '-', at most 64 characters, e.g. not-a-slug)"],
    [['create', '--title', 'a', '--message', 'x', '--file', 'f'], 'error: give either --message or --file, not both'],
    [['doctor', '--json=yes'], 'error: --json takes no value'],
    [['doctor', 'now'], 'error: unexpected argument: now'],
  ])('%j', (args, message) => {
    const r = sb.run(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${message}\n`);
    expect(fs.existsSync(sb.root)).toBe(false);
  });

  it('a command usage error ends with the usage line of that command', () => {
    const r = sb.run(['create']);
    expect(r.stderr).toBe('error: create requires --title\nusage: tickets.sh create --title TEXT [--slug SLUG] [--kind KIND] [--priority P] [--label L[,L...]]... [--author NAME] [--message TEXT | --file PATH]\n');
  });
});

describe('option syntax', () => {
  it('accepts --opt=VALUE, which also carries a value that starts with "-"', () => {
    const id = sb.ok(['create', '--title=-5 dB noise floor', '--kind=bug']).trim();
    const item = JSON.parse(sb.ok(['show', id, '--json'])) as { title: string; kind: string };
    expect(item).toMatchObject({ title: '-5 dB noise floor', kind: 'bug' });
  });

  it('treats everything after -- as positional', () => {
    const id = sb.create('Dashes');
    expect(sb.run(['comment', '--message', 'hi', '--', id]).code).toBe(0);
    expect(sb.run(['show', '--', '--json']).stderr).toBe('error: work item not found: --json\n');
  });
});
