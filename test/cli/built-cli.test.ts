import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from './built-cli.js';

let cli: Awaited<ReturnType<typeof buildCli>>;
beforeAll(async () => {
  cli = await buildCli();
}, 120_000);
afterAll(async () => cli?.dispose());

const json = (stdout: string): unknown => JSON.parse(stdout);
/** One line on stderr, nothing on stdout, no stack trace. */
const oneLine = (stderr: string): string => {
  expect(stderr.endsWith('\n') && stderr.split('\n').length).toBe(2);
  expect(stderr).not.toMatch(/^\s+at /m);
  return stderr.trim();
};

describe('the built `pods` CLI, one process per command, on the default store (the managed server)', () => {
  it('keeps Pods, relations and history across processes, and enforces peer authority', async () => {
    const home = await cli.home('scenario');
    const first = await cli.pods(home, 'create', 'a');
    expect(first.code).toBe(0);
    // The first command makes the store and says so, on stderr: stdout stays the command's own.
    expect(first.stderr).toMatch(/^pods: first run: creating the pods store in .*\n(.*\n)?pods: store ready in [\d.]+ s: PostgreSQL \d+/m);
    expect(first.stdout).toMatch(/^created pod `a`/);
    expect(await cli.pods(home, 'create', 'b')).toMatchObject({ code: 0, stderr: '' });
    expect(await cli.pods(home, 'peer', 'a', 'b')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^`a` and `b` are now peers/) });

    const listed = await cli.pods(home, 'tool', 'a', 'ListPods', '{}');
    expect(listed.code).toBe(0);
    expect(json(listed.stdout)).toMatchObject({ content: { pods: [{ name: 'a', visibility: 'self' }, { name: 'b', visibility: 'peer' }] } });

    const steer = await cli.pods(home, 'tool', 'a', 'SendToPod', '{"name":"b","message":"hi"}');
    expect(steer.code).toBe(1);
    expect(json(steer.stdout)).toEqual({
      error: { kind: 'invalid_argument', message: 'pod `b` is a peer of `a`, not its spawned child; use SendToPeerPod' },
    });

    const sent = await cli.pods(home, 'tool', 'a', 'SendToPeerPod', '{"name":"b","message":"hello"}');
    expect(sent.code).toBe(0);
    expect(json(sent.stdout)).toMatchObject({ summary: expect.stringContaining('sent peer message to `b`'), content: { pair_seq: 1 } });

    const history = await cli.pods(home, 'history', 'b', '--json');
    expect(history.code).toBe(0);
    expect(json(history.stdout)).toEqual([expect.objectContaining({ seq: 1, kind: 'peer_message', from: 'a', body: 'hello' })]);

    const explained = await cli.pods(home, 'explain', 'b', '1');
    expect(explained.stdout).toMatch(/← created by `pods peer a b` at /);
    expect((await cli.pods(home, 'peer', 'b', 'a')).stdout).toMatch(/already peers.*nothing changed/);
  }, 120_000);

  it('lets other processes use the store while a host holds it open', async () => {
    const home = await cli.home('shared');
    expect((await cli.pods(home, 'create', 'b')).code).toBe(0);
    const serve = cli.start(['serve', '--pod', 'b'], { PODS_HOME: home, PODS_DATABASE_URL: '' });
    await serve.waitFor('serving `b`');
    expect(await cli.pods(home, 'create', 'a')).toMatchObject({ code: 0, stderr: '' });
    expect((await cli.pods(home, 'peer', 'a', 'b')).code).toBe(0);
    const sent = await cli.pods(home, 'tool', 'a', 'SendToPeerPod', '{"name":"b","message":"are you there?"}');
    expect(json(sent.stdout)).toMatchObject({ content: { delivered_to: 'live' } });
    await serve.waitFor('`b` turn finished');
    // One log line per turn, as its help says: when it ends.
    expect(serve.output().stdout.split('\n').filter((line) => line.includes('`b` turn'))).toEqual([expect.stringMatching(/ `b` turn finished after 1 step\(s\), \d+ ms, answering 1 input\(s\)$/)]);
    const history = json((await cli.pods(home, 'history', 'b', '--json')).stdout) as { kind: string }[];
    expect(history.map((e) => e.kind)).toEqual(['peer_message', 'assistant_message']);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  }, 120_000);
});

describe.concurrent('the built `pods` CLI without a durable store', () => {
  it('runs on --db memory, which keeps nothing between processes', async () => {
    const home = await cli.home('memory');
    expect(await cli.pods(home, '--db', 'memory', 'create', 'x')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^created pod `x`/) });
    expect(await cli.pods(home, 'ls', '--db', 'memory')).toEqual({ code: 0, stdout: 'no pods in the store\n', stderr: '' });
  });

  it.each([
    [['peer', 'a'], /^pods peer: expected 2 arguments \(A B\), got 1; see `pods help peer`$/],
    [['--bogus', 'ls'], /^pods: --bogus is not a global option/],
    [['create', 'no/slash'], /^pods create: invalid pod name: no\/slash \(/],
    [['tool', 'a', 'ListPods', '{nope'], /^pods tool: the JSON input does not parse: /],
    [['ls', '--db', 'mysql://127.0.0.1/x'], /^pods ls: --db: unsupported store mysql:\/\/127\.0\.0\.1\/x: /],
    [['ls', '--db', 'postgres://127.0.0.1:1/pods'], /^pods ls: .*PostgreSQL store at postgres:\/\/127\.0\.0\.1:1\/pods/],
    // No library warning before the line (pg warns at length about what sslmode=require means to it).
    [['ls', '--db', 'postgres://u:pw@127.0.0.1:1/pods?sslmode=require'], /^pods ls: cannot open the PostgreSQL store at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/pods\?sslmode=require: connect ECONNREFUSED/],
    [['lss'], /^pods: unknown command `lss` \(did you mean `ls`\?\); see `pods --help`$/],
    // Not a user command, but the agent's relay still says what it expects.
    [['mcp-relay'], /^pods mcp-relay: expected 1 argument \(SOCKET\), got none; see `pods mcp-relay --help`$/],
    [['mcp-relay', '/a.sock', 'b'], /^pods mcp-relay: expected 1 argument \(SOCKET\), got `\/a\.sock` `b`; see `pods mcp-relay --help`$/],
  ])('exits 2 with one line for %j', async (args, line) => {
    const run = await cli.pods(await cli.home('usage'), ...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(oneLine(run.stderr)).toMatch(line);
  });

  it('prints its version with --version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await cli.pods(await cli.home('version'), '--version')).toEqual({ code: 0, stdout: `pods ${version}\n`, stderr: '' });
  });

  it('prints help and exits 0', async () => {
    const run = await cli.pods(await cli.home('help'), 'help', 'tool');
    expect(run).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^Usage: pods \[--db URL\] tool NAME TOOL JSON\n/) });
  });

  it('answers --help whatever its settings, and refuses a command that would run with a bad one', async () => {
    const env = { PODS_HOME: await cli.home('bad-setting'), PODS_POOL_SIZE: '0' };
    // 'close', not 'exit': by then its output has all been read.
    const run = (args: string[]) => {
      const started = cli.start(args, env);
      const closed = new Promise<void>((resolve) => started.child.once('close', () => resolve()));
      return { ...started, closed };
    };
    const help = run(['--help']);
    expect(await help.exited).toBe(0);
    await help.closed;
    expect(help.output()).toMatchObject({ stderr: '', stdout: expect.stringContaining('Usage: pods [--db URL] COMMAND') });
    const ls = run(['ls']);
    expect(await ls.exited).toBe(2);
    await ls.closed;
    expect(ls.output()).toEqual({ stdout: '', stderr: 'pods: PODS_POOL_SIZE "0" is not a whole number of connections from 1 to 100\n' });
  });

  it('prints the help of mcp-relay, which is no command of the list, and exits 0', async () => {
    const run = await cli.pods(await cli.home('help'), 'mcp-relay', '--help');
    expect(run).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^Usage: pods mcp-relay SOCKET\n/) });
  });
});
