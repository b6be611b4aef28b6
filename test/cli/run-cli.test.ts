import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UNIT_OF_WORK } from '../../src/application/ports/unit-of-work.js';
import { openInversifyContainer } from '../../src/composition/container.js';
import { podsApp } from '../../src/composition/pods-app.js';
import { MessageBody } from '../../src/domain/message-body.js';
import { PodName } from '../../src/domain/pod-name.js';
import { inProcessCli } from './in-process-cli.js';

let cli: ReturnType<typeof inProcessCli>;
beforeEach(() => {
  cli = inProcessCli();
});
afterEach(async () => cli.dispose());

const json = (stdout: string): unknown => JSON.parse(stdout);

describe('pods (in process, one memory store)', () => {
  it('creates, peers and messages Pods through the same use cases and tools a model uses', async () => {
    expect(await cli.run('create', 'a')).toEqual({ code: 0, stdout: 'created pod `a` with scope write:/home/op/project\n', stderr: '' });
    expect((await cli.run('create', 'b', '--scope', 'read:/srv/data', '--scope', 'write:/tmp/b/')).stdout).toBe(
      'created pod `b` with scope read:/srv/data, write:/tmp/b\n',
    );
    expect((await cli.run('peer', 'a', 'b')).stdout).toMatch(/^`a` and `b` are now peers \(relation rel_\w+\)\n$/);

    const listed = await cli.run('tool', 'a', 'ListPods', '{}');
    expect(listed.code).toBe(0);
    expect(json(listed.stdout)).toMatchObject({
      summary: '2 visible pod(s)',
      content: { pods: [{ name: 'a', visibility: 'self' }, { name: 'b', visibility: 'peer', peer: { initiatedFrom: 'a' } }] },
    });

    const steer = await cli.run('tool', 'a', 'SendToPod', '{"name":"b","message":"hi"}');
    expect(steer.code).toBe(1);
    expect(json(steer.stdout)).toEqual({
      error: { kind: 'invalid_argument', message: 'pod `b` is a peer of `a`, not its spawned child; use SendToPeerPod' },
    });

    const sent = await cli.run('tool', 'a', 'SendToPeerPod', '{"name":"b","message":"hello\\nthere"}');
    expect(sent.code).toBe(0);
    expect(json(sent.stdout)).toMatchObject({ content: { pair_seq: 1, delivered_to: 'stopped', duplicate: false } });

    const history = await cli.run('history', 'b', '--json');
    expect(json(history.stdout)).toEqual([
      expect.objectContaining({ seq: 1, kind: 'peer_message', from: 'a', body: 'hello\nthere', at: expect.stringMatching(/^\d{4}-/) }),
    ]);
    expect((await cli.run('history', 'b')).stdout).toBe('#1 peer_message from a: hello\n    there\n');

    const explained = await cli.run('explain', 'b', '1');
    expect(explained.stdout.split('\n')).toEqual([
      '#1 peer_message from a: hello',
      '    there',
      expect.stringMatching(/^ {2}peer message #1 from `a` over relation rel_\w+ \(current\)$/),
      expect.stringMatching(/^ {2}← created by `pods peer a b` at \d{4}-\d\d-\d\dT[\d:.]+Z$/),
      '',
    ]);
    expect(json((await cli.run('explain', 'b', '1', '--json')).stdout)).toMatchObject({
      entry: { seq: 1, kind: 'peer_message', from: 'a' },
      chain: [{ step: 'peer_relation', current: true }, { step: 'operator_command', command: 'peer', record: { via: 'cli', initiatedFrom: 'a' } }],
    });

    expect((await cli.run('unpeer', 'b', 'a')).stdout).toMatch(/^`b` and `a` are no longer peers \(relation rel_\w+ removed\)\n$/);
    expect((await cli.run('explain', 'b', '1')).stdout).toContain('(since removed)');
    expect((await cli.run('tool', 'a', 'SendToPeerPod', '{"name":"b","message":"again"}')).code).toBe(1);
  });

  it('lists every Pod in the store for the operator, as a table or as JSON', async () => {
    expect(await cli.run('ls')).toEqual({ code: 0, stdout: 'no pods in the store\n', stderr: '' });
    await cli.run('create', 'main');
    await cli.run('tool', 'main', 'SpawnPod', '{"name":"worker","task":"count","scope":[{"target":"/home/op/project/src","permission":"read"}]}');
    expect((await cli.run('ls')).stdout.split('\n')).toEqual([
      'NAME    STATUS   PROFILE  DRIVEN BY  ORIGIN         SCOPE',
      'main    stopped  default  -          operator       write:/home/op/project',
      expect.stringMatching(/^worker {2}(idle {5}default  model {6}|stopped {2}default  - {10})child of main {2}read:\/home\/op\/project\/src$/),
      '',
    ]);
    expect(json((await cli.run('ls', '--json')).stdout)).toMatchObject([
      { name: 'main', origin: { type: 'operator' }, scope: [{ target: '/home/op/project', permission: 'write', recursive: true }] },
      { name: 'worker', origin: { type: 'spawned', parent: 'main' } },
    ]);
  });

  it('pages `pods ls`: the first 50, --limit, --after and --prefix, a line saying what follows, --all streamed', async () => {
    for (let i = 0; i < 53; i++) await cli.run('create', `p${String(i).padStart(2, '0')}`);
    const first = (await cli.run('ls')).stdout.split('\n');
    expect(first).toHaveLength(1 + 50 + 1 + 1);
    expect(first.at(-2)).toBe('… more Pods follow `p49`: `pods ls --after p49` lists the next page, `pods ls --all` every one');
    expect((await cli.run('ls', '--after', 'p49')).stdout.split('\n').slice(1, -1).map((l) => l.split(' ')[0])).toEqual(['p50', 'p51', 'p52']);
    expect((await cli.run('ls', '--prefix', 'p5')).stdout.split('\n').slice(1, -1).map((l) => l.split(' ')[0])).toEqual(['p50', 'p51', 'p52']);
    expect((await cli.run('ls', '--prefix', 'q')).stdout).toBe('no pods match\n');
    const page = await cli.run('ls', '--json', '--limit', '2');
    expect([json(page.stdout), page.stderr]).toEqual([
      [expect.objectContaining({ name: 'p00' }), expect.objectContaining({ name: 'p01' })],
      'pods ls: more Pods follow `p01`: `pods ls --after p01` lists the next page, `pods ls --all` every one\n',
    ]);
    const all = await cli.run('ls', '--all', '--json');
    expect(all.stderr).toBe('');
    const every = json(all.stdout) as { name: string }[];
    expect(every.map((p) => p.name)).toHaveLength(53);
    // Streamed, it is the same document `out.json` prints for the whole array.
    expect(all.stdout).toBe(`${JSON.stringify(every, null, 2)}\n`);
    expect((await cli.run('ls', '--all')).stdout.split('\n')).toHaveLength(1 + 53 + 1);
    expect(await cli.run('ls', '--all', '--limit', '3')).toMatchObject({ code: 2, stderr: expect.stringContaining('--all and --limit cannot go together') });
    expect(await cli.run('ls', '--limit', '1001')).toMatchObject({ code: 2 });
    expect(await cli.run('ls', '--prefix=a b')).toMatchObject({ code: 2, stderr: expect.stringContaining('--prefix: invalid pod name') });
  });

  it('prints a history longer than a page as it is read: the same lines and the same JSON document as all at once', async () => {
    await cli.run('create', 'long');
    const app = await cli.app();
    for (let i = 0; i < 450; i++) await app.submitOperatorInput.execute({ pod: PodName.unsafe('long'), text: MessageBody.unsafe(`line ${i}`) });
    const text = await cli.run('history', 'long');
    expect(text.stdout.split('\n').slice(0, -1)).toHaveLength(450);
    expect(text.stdout.split('\n')[449]).toMatch(/^#450 /);
    const json = await cli.run('history', 'long', '--json');
    const entries = JSON.parse(json.stdout) as { seq: number }[];
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 450 }, (_, i) => i + 1));
    expect(json.stdout).toBe(`${JSON.stringify(entries, null, 2)}\n`);
    expect((await cli.run('history', 'long', '--after', '440', '--limit', '3')).stdout.split('\n').slice(0, -1).map((l) => l.split(' ')[0])).toEqual(['#441', '#442', '#443']);
  });

  it('treats an existing peer relation as success with a note', async () => {
    await cli.run('create', 'a');
    await cli.run('create', 'b');
    await cli.run('peer', 'a', 'b');
    const again = await cli.run('peer', 'b', 'a');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^`b` and `a` are already peers \(relation rel_\w+, since \d{4}-[\d-]+T[\d:.]+Z\); nothing changed\n$/);
  });

  it.each([
    [['peer', 'a', 'a'], 'pods peer: a Pod is not its own peer (`a`)'],
    [['peer', 'a', 'ghost'], 'pods peer: pod `ghost` does not exist'],
    [['peer', 'a', 'kid'], 'pods peer: pod `kid` is a spawned child of `a`; a parent and its child are never peers (the parent uses SendToPod)'],
    [['peer', 'kid', 'a'], 'pods peer: pod `kid` is a spawned child of `a`; a parent and its child are never peers (the parent uses SendToPod)'],
    [['unpeer', 'a', 'b'], 'pods unpeer: `a` and `b` are not peers'],
    [['unpeer', 'a', 'ghost'], 'pods unpeer: pod `ghost` does not exist'],
    [['create', 'a'], 'pods create: a pod named `a` already exists'],
    [['history', 'ghost'], 'pods history: pod `ghost` does not exist'],
    [['explain', 'ghost', '1'], 'pods explain: pod `ghost` does not exist'],
    [['explain', 'a', '9'], 'pods explain: pod `a` has no history entry #9'],
  ])('refuses %j in plain words with exit 1', async (argv, message) => {
    await cli.run('create', 'a');
    await cli.run('create', 'b');
    await cli.run('tool', 'a', 'SpawnPod', '{"name":"kid","task":"work"}');
    expect(await cli.run(...argv)).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it('reports a tool run as a Pod that does not exist as an execution_failed tool error', async () => {
    const run = await cli.run('tool', 'ghost', 'ListPods', '{}');
    expect(run.code).toBe(1);
    expect(json(run.stdout)).toEqual({ error: { kind: 'execution_failed', message: 'pod `ghost` does not exist' } });
  });

  it('reports tool input the schema rejects, and unknown tools, as invalid_argument', async () => {
    await cli.run('create', 'a');
    expect(json((await cli.run('tool', 'a', 'ListPods', '[]')).stdout)).toMatchObject({ error: { kind: 'invalid_argument' } });
    expect(json((await cli.run('tool', 'a', 'InspectPod', '{}')).stdout)).toMatchObject({
      error: { kind: 'invalid_argument', message: expect.stringMatching(/^unknown tool `InspectPod`/) },
    });
  });

  it('pages history with --after and --limit', async () => {
    await cli.run('create', 'a');
    await cli.run('create', 'b');
    await cli.run('peer', 'a', 'b');
    for (const n of [1, 2, 3]) await cli.run('tool', 'a', 'SendToPeerPod', `{"name":"b","message":"m${n}"}`);
    expect((await cli.run('history', 'b', '--after', '1', '--limit', '1')).stdout).toBe('#2 peer_message from a: m2\n');
    expect((await cli.run('history', 'b', '--after', '3')).stdout).toBe('no history entries after #3\n');
    expect((await cli.run('history', 'a', '--json')).stdout).toBe('[]\n');
  });

  it('exits 2 with one line and a pointer to help on a usage error, without opening the store', async () => {
    const run = await cli.run('peer', 'a');
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'pods peer: expected 2 arguments (A B), got 1; see `pods help peer`\n' });
    expect((await cli.run('frob')).stderr).toBe('pods: unknown command `frob`; see `pods --help`\n');
    expect((await cli.run('create', 'bad name')).stderr).toBe(
      'pods create: invalid pod name: bad name (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit); see `pods help create`\n',
    );
    expect(cli.stats.opened).toBe(0);
  });

  it('says an empty pod name is empty, and answers a negative number with the valid range, not the parser\'s words', async () => {
    expect((await cli.run('create', '')).stderr).toBe(
      'pods create: invalid pod name: the name is empty (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit); see `pods help create`\n',
    );
    expect(await cli.run('history', 'b', '--after', '-1')).toEqual({
      code: 2, stdout: '', stderr: 'pods history: --after must be a whole number of at least 0, got "-1"; see `pods help history`\n',
    });
    expect(await cli.run('history', 'b', '--limit', '-3', '--json')).toMatchObject({
      code: 2, stderr: 'pods history: --limit must be a whole number of at least 1, got "-3"; see `pods help history`\n',
    });
    expect(await cli.run('explain', 'b', '-1')).toEqual({
      code: 2, stdout: '', stderr: 'pods explain: SEQ must be a whole number of at least 1, got "-1"; see `pods help explain`\n',
    });
    expect((await cli.run('explain', '-1', 'b')).stderr).toMatch(/^pods explain: invalid pod name: -1 /);
    expect((await cli.run('explain', 'b', '-1', '--json')).stderr).toMatch(/SEQ must be a whole number of at least 1, got "-1"/);
    expect(cli.stats.opened).toBe(0);
  });

  it('refuses `pods serve --pod NAME` for a Pod that does not exist, before serving anything', async () => {
    await cli.run('create', 'a');
    for (const argv of [['--pod', 'nosuch'], ['--pod', 'a', '--pod', 'nosuch']]) {
      expect(await cli.run('serve', ...argv)).toEqual({ code: 1, stdout: '', stderr: 'pods serve: pod `nosuch` does not exist\n' });
    }
    expect((await cli.run('ls', '--json')).stdout).toMatch(/"status": "stopped"/);
  });

  it('refuses `pods tui --pod NAME` for a Pod that does not exist unless --create is given; plain `pods tui` creates main', async () => {
    expect(await cli.run('tui', '--pod', 'mian')).toEqual({
      code: 1, stdout: '', stderr: 'pods tui: pod `mian` does not exist; create it with `pods create mian` or pass --create\n',
    });
    expect((await cli.run('ls')).stdout).toBe('no pods in the store\n');
    const created = await cli.run('tui', '--pod', 'mian', '--create');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toContain('· created pod `mian` with scope write:/home/op/project');
    expect(created.stdout).toContain('· attached to `mian`; it runs in this TUI');
    expect(await cli.run('tui', '--pod', 'mian')).toMatchObject({ code: 0, stderr: '' });
  });

  it('runs the TUI for plain `pods` and `pods tui`, here from an empty pipe', async () => {
    for (const argv of [[], ['tui']]) {
      const run = await cli.run(...argv);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain('· attached to `main`; it runs in this TUI');
    }
  });

  it('prints help on stdout with exit 0, listing only commands that exist', async () => {
    const help = await cli.run('--help');
    expect(help.code).toBe(0);
    for (const name of ['tui', 'create', 'ls', 'peer', 'unpeer', 'tool', 'history', 'explain', 'serve', 'store']) expect(help.stdout).toContain(`\n  ${name} `);
    const peer = await cli.run('help', 'peer');
    expect(peer.stdout).toMatch(/^Usage: pods \[--db URL\] peer A B\n/);
    expect(await cli.run('peer', '--help')).toEqual(peer);
  });

  it('keeps `pods --help` within 80 columns, with the full usage of a long command in its own help', async () => {
    const help = (await cli.run('--help')).stdout;
    expect(help.split('\n').filter((line) => line.length > 80)).toEqual([]);
    expect(help).toContain('\n  profile add|ls|show|rm …\n');
    expect((await cli.run('profile', '--help')).stdout).toMatch(/^Usage: pods \[--db URL\] profile add NAME --acp .* -- COMMAND \[ARGS…\] \| ls \[--json\] \| show NAME \| rm NAME\n/);
  });

  it('warns in every help that a --db URL is visible to other users, and names the safe places for a password', async () => {
    for (const argv of [['--help'], ['help', 'ls'], ['store', '--help']]) {
      const help = (await cli.run(...argv)).stdout.replace(/\s+/g, ' ');
      expect(help).toContain('A --db URL is visible to every local user in `ps`: give a password in PODS_DATABASE_URL or in a passfile (~/.pgpass, or the file PGPASSFILE names), never on the command line.');
    }
  });

  it('removes a Pod with `pods rm` (refusing a peered one unless --force) and prints its archived history with `history --removed`', async () => {
    expect((await cli.run('create', 'rmtypo')).code).toBe(0);
    expect((await cli.run('create', 'rmpeer')).code).toBe(0);
    expect((await cli.run('peer', 'rmtypo', 'rmpeer')).code).toBe(0);
    expect((await cli.run('tool', 'rmpeer', 'SendToPeerPod', '{"name":"rmtypo","message":"are you a typo?"}')).code).toBe(0);
    expect(await cli.run('rm', 'rmtypo')).toEqual({
      code: 1, stdout: '', stderr: 'pods rm: pod `rmtypo` is peered with `rmpeer`; unpeer first (`pods unpeer rmtypo rmpeer`), or pass --force to remove the relations with it\n',
    });
    const removed = await cli.run('rm', 'rmtypo', '--force');
    expect(removed).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^removed pod `rmtypo` \(1 history entry archived as rmv_\w+\); unpeered from `rmpeer`\n$/) });
    expect((await cli.run('ls')).stdout).not.toContain('rmtypo');
    expect(await cli.run('history', 'rmtypo')).toMatchObject({ code: 1, stderr: 'pods history: pod `rmtypo` does not exist\n' });
    const archived = await cli.run('history', 'rmtypo', '--removed');
    expect(archived.stdout).toMatch(/^removed pod `rmtypo` at \S+ \(rmv_\w+, 1 entries\)\n#1 peer_message from rmpeer: are you a typo\?\n$/);
    expect(JSON.parse((await cli.run('history', 'rmtypo', '--removed', '--json')).stdout)).toEqual([
      { id: expect.stringMatching(/^rmv_/), name: 'rmtypo', removedAt: expect.any(String), createdAt: expect.any(String), entries: [expect.objectContaining({ seq: 1, kind: 'peer_message', from: 'rmpeer' })] },
    ]);
    expect(await cli.run('history', 'rmpeer', '--removed')).toMatchObject({ code: 1, stderr: 'pods history: no Pod named `rmpeer` was ever removed\n' });
    expect(await cli.run('rm', 'rmtypo')).toMatchObject({ code: 1, stderr: 'pods rm: pod `rmtypo` does not exist\n' });
    expect((await cli.run('create', 'rmtypo')).code).toBe(0);
  });

  it('names in --help every environment variable pods reads, and prints its version with --version', async () => {
    const help = (await cli.run('--help')).stdout;
    const read = new Set<string>();
    const scan = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) scan(join(dir, entry.name));
        else if (entry.name.endsWith('.ts')) for (const [, name] of readFileSync(join(dir, entry.name), 'utf8').matchAll(/(?:['"`$]|^\s+)(PODS_[A-Z][A-Z_]*[A-Z])\b/gm)) read.add(name ?? '');
      }
    };
    scan(fileURLToPath(new URL('../../src', import.meta.url)));
    expect(read.size).toBeGreaterThanOrEqual(10);
    for (const name of read) expect(help, name).toMatch(new RegExp(`\\n  ${name} +\\S`));
    expect(help).toMatch(/\n {2}VISUAL, EDITOR +the editor/);
    // docs/cli.md says `pods --help` lists every variable of its table.
    const doc = readFileSync(fileURLToPath(new URL('../../docs/cli.md', import.meta.url)), 'utf8');
    const table = doc.slice(doc.indexOf('\n## Environment\n'), doc.indexOf('`pods --help` lists them all'));
    const documented = [...table.matchAll(/^\| (`[A-Z_]+`(?:, `[A-Z_]+`)*) \|/gm)].flatMap(([, names]) => (names ?? '').split(', ').map((n) => n.slice(1, -1)));
    expect(documented).toContain('NO_COLOR');
    for (const name of documented) expect(help, name).toMatch(new RegExp(`\\n  (?:[A-Z_]+, )*${name}(?:, [A-Z_]+)* +\\S`));
    expect(await cli.run('--version')).toEqual({ code: 0, stdout: 'pods 0.1.0\n', stderr: '' });
  });

  it('picks the store from --db, then PODS_DATABASE_URL, then the managed server under PODS_HOME', async () => {
    await cli.run('ls', '--db', 'memory');
    await cli.run('ls');
    const fromEnv = inProcessCli({ env: { PODS_DATABASE_URL: 'postgres://127.0.0.1/pods', PODS_HOME: '/var/pods' } });
    await fromEnv.run('ls', '--db', 'postgresql://db.internal/pods');
    await fromEnv.run('ls');
    await fromEnv.run('--db', 'memory', 'ls');
    expect([...cli.stats.configs, ...fromEnv.stats.configs]).toEqual([
      { kind: 'memory' },
      { kind: 'managed', home: '/home/op/.pods' },
      { kind: 'postgres', url: 'postgresql://db.internal/pods' },
      { kind: 'postgres', url: 'postgres://127.0.0.1/pods' },
      { kind: 'memory' },
    ]);
  });

  it('closes the store after every command that opened it, refusals included', async () => {
    await cli.run('create', 'a');
    await cli.run('create', 'a');
    await cli.run('tool', 'a', 'SendToPod', '{"name":"x","message":"m"}');
    expect(cli.stats).toMatchObject({ opened: 3, closed: 3 });
  });
});

describe('pods store failures', () => {
  const failing = (error: unknown) => inProcessCli({ open: async () => { throw error; } });

  it('turns a store that cannot be opened into one line and exit 2', async () => {
    const cli = failing(new Error('EACCES: permission denied\n    at mkdir (node:fs:1)'));
    expect(await cli.run('ls')).toEqual({
      code: 2, stdout: '', stderr: 'pods ls: cannot open the pods store under /home/op/.pods: EACCES: permission denied\n',
    });
    expect(cli.stats).toMatchObject({ opened: 0, closed: 0 });
  });

  it('names the store once when the store\'s own error already does', async () => {
    const cli = failing(new Error('the store in /home/op/.pods/server/data was written by PostgreSQL 19, and this pods bundles PostgreSQL 18.4'));
    expect((await cli.run('ls')).stderr).toBe('pods ls: the store in /home/op/.pods/server/data was written by PostgreSQL 19, and this pods bundles PostgreSQL 18.4\n');
  });

  it('names the first cause of a connection refused on every address, never the password', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const cli = failing(new AggregateError([refused, new Error('connect ECONNREFUSED ::1:1')]));
    expect((await cli.run('ls', '--db', 'postgres://op:s3cret@localhost:1/pods')).stderr).toBe(
      'pods ls: cannot open the PostgreSQL store at postgres://op:***@localhost:1/pods: connect ECONNREFUSED 127.0.0.1:1\n',
    );
  });

  it('refuses an unsupported --db value before opening anything', async () => {
    const cli = inProcessCli();
    expect(await cli.run('ls', '--db', 'sqlite:x.db')).toEqual({
      code: 2, stdout: '',
      stderr: 'pods ls: --db: unsupported store sqlite:x.db: expected `memory` or a postgres:// URL (leave it unset for the local server under $PODS_HOME); see `pods --help`\n',
    });
    expect(cli.stats.configs).toEqual([]);
  });

  it('still closes the store when a command throws, and exits 2', async () => {
    const cli = inProcessCli({
      open: async () => {
        const { container, close } = await openInversifyContainer({ kind: 'memory' });
        await container.unbind(UNIT_OF_WORK);
        container.bind(UNIT_OF_WORK).toConstantValue({ run: async () => { throw new Error('connection terminated'); } });
        return { app: podsApp(container), close };
      },
    });
    expect(await cli.run('ls')).toEqual({ code: 2, stdout: '', stderr: 'pods ls: could not complete: connection terminated\n' });
    expect(cli.stats).toMatchObject({ opened: 1, closed: 1 });
  });
});

describe('a PODS_* setting that cannot be read', () => {
  const problem = 'PODS_POOL_SIZE "0" is not a whole number of connections from 1 to 100';
  it('refuses every command that would run, opening nothing, while help, the version and usage errors answer as ever', async () => {
    const bad = inProcessCli({ settingsProblem: problem });
    expect(await bad.run('ls')).toEqual({ code: 2, stdout: '', stderr: `pods: ${problem}\n` });
    expect(await bad.run('profile', 'ls')).toEqual({ code: 2, stdout: '', stderr: `pods: ${problem}\n` });
    expect(bad.stats.opened).toBe(0);
    for (const asked of [['--help'], ['help', 'ls'], ['ls', '--help']]) {
      expect(await bad.run(...asked)).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/Usage: pods /) });
    }
    expect(await bad.run('--version')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^pods \d/) });
    expect(await bad.run('lss')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^pods: unknown command `lss`/) });
  });
});
