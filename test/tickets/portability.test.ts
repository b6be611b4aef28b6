import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO, SCRIPT, Sandbox } from './harness.js';

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

const DASH = '/usr/bin/dash';

/** tickets.sh and tools/tickets/ copied into `<sandbox>/<name>`, as a fresh clone has them: no install, no build. */
function freshClone(name: string): string {
  const repo = path.join(sb.dir, name);
  fs.mkdirSync(path.join(repo, 'src', 'deep'), { recursive: true });
  fs.copyFileSync(SCRIPT, path.join(repo, 'tickets.sh'));
  fs.chmodSync(path.join(repo, 'tickets.sh'), 0o755);
  fs.cpSync(path.join(REPO, 'tools', 'tickets'), path.join(repo, 'tools', 'tickets'), { recursive: true });
  return repo;
}

describe('under dash', () => {
  it('dash is the shell being tested', () => {
    expect(fs.existsSync(DASH)).toBe(true);
  });

  it('runs help, create, comment, list, show and doctor', () => {
    const run = (args: string[]): string => {
      const r = sb.run(args, { shell: DASH });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return r.stdout;
    };
    expect(run(['help'])).toContain('usage: tickets.sh <command> [arguments]');
    const id = run(['create', '--title', 'Under dash', '--label', 'sh']).trim();
    run(['comment', id, '--message', 'from dash']);
    expect(run(['list'])).toContain(`open\t${id}\tunder-dash\tUnder dash\ttask\tP2\t`);
    expect(run(['show', 'under-dash'])).toContain('from dash');
    expect(run(['doctor'])).toBe('doctor: ok\n');
  });

  it('passes arguments with spaces, quotes, globs and empty strings through untouched', () => {
    const title = `it's "quoted" * ? [x] $HOME \`x\``;
    const id = sb.ok(['create', '--title', title, '--label', ''], { shell: DASH }).trim();
    expect((JSON.parse(sb.ok(['show', id, '--json'])) as { title: string; labels: string[] })).toMatchObject({ title, labels: [] });
  });

  it('exits 3 with a message when node is missing', () => {
    const r = sb.run(['list'], { shell: DASH, env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('tickets.sh: error: node is required (>= 20) and is not on PATH\n');
  });
});

interface Invocation {
  cwd: string;
  script: string;
  shell?: string;
  env?: Record<string, string>;
}

describe('the root comes from the script location, not the CWD', () => {
  it.each<[string, (repo: string) => Invocation]>([
    ['a relative path from a subdirectory', (repo: string) => ({ cwd: path.join(repo, 'src', 'deep'), script: '../../tickets.sh' })],
    ['an absolute path from elsewhere', (repo: string) => ({ cwd: sb.dir, script: path.join(repo, 'tickets.sh') })],
    ['a relative path under dash, with CDPATH pointing at a decoy', (_repo: string) => {
      fs.mkdirSync(path.join(sb.dir, 'decoy', 'my repo'), { recursive: true });
      return { cwd: sb.dir, script: 'my repo/tickets.sh', shell: DASH, env: { CDPATH: path.join(sb.dir, 'decoy') } };
    }],
  ])('%s', (_name, how) => {
    const repo = freshClone('my repo');
    const { env = {}, ...options } = how(repo);
    const run = (args: string[]): string => sb.ok(args, { ...options, env: { ...env, TICKETS_DIR: undefined } });
    const id = run(['create', '--title', 'Rooted']).trim();
    expect(fs.existsSync(path.join(repo, 'work-items', 'open', id, 'item.md'))).toBe(true);
    expect(run(['doctor'])).toBe('doctor: ok\n');
    expect(fs.existsSync(path.join(options.cwd, 'work-items'))).toBe(options.cwd === repo);
  });

  it('finds the script through PATH', () => {
    const repo = freshClone('on-path');
    const r = sb.run(['create', '--title', 'Via PATH'], { script: 'tickets.sh', env: { TICKETS_DIR: undefined, PATH: `${repo}:${process.env['PATH'] ?? ''}` } });
    expect(r.code).toBe(0);
    expect(fs.readdirSync(path.join(repo, 'work-items', 'open'))).toContain(r.stdout.trim());
  });

  it('says so when it is run through a symlink, away from its tools', () => {
    const repo = freshClone('linked');
    fs.mkdirSync(path.join(sb.dir, 'bin'));
    fs.symlinkSync(path.join(repo, 'tickets.sh'), path.join(sb.dir, 'bin', 'tickets'));
    const r = sb.run(['list'], { script: path.join(sb.dir, 'bin', 'tickets') });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`tickets.sh: error: ${sb.dir}/bin/tools/tickets/tickets.mjs is missing (run tickets.sh from its repository, not through a symlink)\n`);
  });

  it('accepts a root that is a symlink to a directory', () => {
    const id = sb.create('Real');
    fs.symlinkSync(sb.root, path.join(sb.dir, 'alias'));
    const env = { TICKETS_DIR: path.join(sb.dir, 'alias') };
    expect(sb.run(['comment', id, '--message', 'via alias'], { env }).code).toBe(0);
    expect(sb.run(['doctor'], { env }).stdout).toBe('doctor: ok\n');
  });

  it('TICKETS_DIR overrides it, relative to the CWD', () => {
    fs.mkdirSync(path.join(sb.dir, 'sub'));
    const id = sb.ok(['create', '--title', 'Elsewhere'], { cwd: path.join(sb.dir, 'sub'), env: { TICKETS_DIR: 'items' } }).trim();
    expect(fs.existsSync(path.join(sb.dir, 'sub', 'items', 'open', id))).toBe(true);
  });
});

describe('CRLF checkouts', () => {
  it('reads CRLF files, appends LF, rewrites item.md as LF on a move, and doctor --fix converts the rest', () => {
    const id = sb.create('Windows checkout', '--label', 'crlf');
    sb.ok(['comment', id, '--message', 'first']);
    for (const name of ['item.md', 'thread.md']) {
      const file = path.join(sb.root, 'open', id, name);
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll('\n', '\r\n'));
    }
    expect(sb.ok(['list'])).toContain(`open\t${id}\twindows-checkout\tWindows checkout\ttask\tP2\t`);
    expect((JSON.parse(sb.ok(['show', 'windows-checkout', '--json'])) as { labels: string[]; events: unknown[] })).toMatchObject({ labels: ['crlf'], events: [{}, {}] });

    const doctor = sb.run(['doctor']);
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toContain(`doctor: warning T026 crlf: work-items/open/${id}/item.md: has CRLF line endings\n`);

    sb.ok(['comment', id, '--message', 'second']);
    sb.ok(['status', id, 'pending']);
    const dir = path.join(sb.root, 'pending', id);
    expect(fs.readFileSync(path.join(dir, 'item.md'), 'utf8')).not.toContain('\r');
    expect(fs.readFileSync(path.join(dir, 'thread.md'), 'utf8')).toMatch(/\r\n\n<!-- event: comment author: tester at: \S+ -->\n\n## Comment\n\nsecond\n\n---\n\n<!-- event: state_changed /);

    expect(sb.run(['doctor', '--fix']).stdout).toBe(`doctor: fixed T026 crlf: work-items/pending/${id}/thread.md\ndoctor: ok\n`);
    expect(fs.readFileSync(path.join(dir, 'thread.md'), 'utf8')).not.toContain('\r');
  });
});
