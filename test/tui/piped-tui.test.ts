import { afterEach, describe, expect, it, vi } from 'vitest';
import { UNIT_OF_WORK } from '../../src/application/ports/unit-of-work.js';
import { name } from '../support/world.js';
import { runPiped, tuiStore } from './tui-harness.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});
const store = async () => {
  const opened = await tuiStore();
  close = opened.close;
  return opened;
};

describe('the TUI reading a pipe', () => {
  it('creates, peers and lists line by line, prints the table and exits 0 at the end of input', async () => {
    const { app } = await store();
    const run = await runPiped(app, ':new b\n:peer b\n:pods\n');
    expect(run).toEqual({
      code: 0,
      stderr: [],
      stdout: [
        '· attached to `main`; it runs in this TUI (0 history entries)',
        'created pod `b` with scope write:/work; `:attach b` switches to it',
        'peered `main` ↔ `b`',
        'NAME  RELATION  STATUS   PROFILE  DRIVEN BY  RESTORABLE',
        'b     peer      stopped  default  -          yes',
        'main  self      idle     default  model      no (this is the calling Pod)',
      ],
    });
  });

  it(':pods shows ListPods\' first page and says how many more the Pod sees, and where the next page starts', async () => {
    const { app } = await store();
    const peers = Array.from({ length: 55 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    const run = await runPiped(app, [...peers.flatMap((p) => [`:new ${p}`, `:peer ${p}`]), ':pods'].join('\n'));
    const table = run.stdout.slice(run.stdout.indexOf('NAME  RELATION  STATUS   PROFILE  DRIVEN BY  RESTORABLE'));
    expect(table).toHaveLength(1 + 50 + 1);
    expect(table[1]).toMatch(/^main +self /);
    expect(table.at(-2)).toMatch(/^p48 +peer /);
    expect(table.at(-1)).toBe('… and 6 more visible Pod(s) after `p48`: `:tool ListPods {"cursor": "p48"}` lists the next page');
  });

  it('commits plain input through SubmitOperatorInput and prints only what history holds, turn by turn', async () => {
    const { app, history } = await store();
    const submit = vi.spyOn(app.submitOperatorInput, 'execute');
    const run = await runPiped(app, 'hi\nhow are you?\n');
    expect(run.code).toBe(0);
    expect(submit.mock.calls.map(([command]) => command)).toEqual([{ pod: 'main', text: 'hi' }, { pod: 'main', text: 'how are you?' }]);
    expect(run.stdout.slice(1).map((line) => line.replace(/in \d+ ms$/, 'in N ms'))).toEqual([
      '#1 [you] hi',
      '#2 [assistant] You said: hi',
      '· turn finished after 1 step in N ms',
      '#3 [you] how are you?',
      '#4 [assistant] You said: how are you?',
      '· turn finished after 1 step in N ms',
    ]);
    expect((await history('main')).map((e) => e.kind)).toEqual(['user_input', 'assistant_message', 'user_input', 'assistant_message']);
  });

  it('drives the real turn loop with `/tool`, and shows the tool call and its result', async () => {
    const { app, history } = await store();
    const run = await runPiped(app, ':new b\n:peer b\n/tool SendToPeerPod {"name":"b","message":"hello b"}\n');
    expect(run.stdout.slice(3, 7)).toEqual([
      '#1 [you] /tool SendToPeerPod {"name":"b","message":"hello b"}',
      '#2 [tool call SendToPeerPod] {"name":"b","message":"hello b"}',
      '#3 [tool SendToPeerPod] → ok: sent peer message to `b`; no host runs it now; it sees the message when restored',
      '#4 [assistant] SendToPeerPod → sent peer message to `b`; no host runs it now; it sees the message when restored',
    ]);
    expect(await history('b')).toEqual([expect.objectContaining({ kind: 'peer_message', from: 'main', body: 'hello b' })]);
  });

  it('never sends a command as a message: each bad line is one line on stderr, and the run exits 1', async () => {
    const { app, history } = await store();
    const run = await runPiped(app, [':frob', ':peer a b', ':attach bad/name', ':peer', ':', ':history 0', ':peer ghost', ':unpeer main', ':explain 9', ':pods'].join('\n'));
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([
      'unknown command `:frob`; `:help` lists the commands',
      ':peer: too many arguments; usage: :peer [name]',
      ':attach: invalid pod name: bad/name (1-64 characters from A-Z a-z 0-9 . _ -, starting with a letter or digit)',
      ':peer: name a Pod (there is no picker when input is not a terminal); usage: :peer [name]',
      'an empty command; `:help` lists the commands',
      ':history: n must be a whole number of at least 1, got "0"',
      'cannot peer: pod `ghost` does not exist',
      'cannot unpeer: `main` and `main` are not peers',
      'pod `main` has no history entry #9',
    ]);
    expect(run.stdout.at(-1)).toBe('main  self      idle    default  model      no (this is the calling Pod)');
    expect(await history('main')).toEqual([]);
  });

  it('refuses :peer in plain words', async () => {
    const { app } = await store();
    await app.tools.execute(name('main'), 'SpawnPod', { name: 'kid', task: 'wait', scope: [] });
    const run = await runPiped(app, ':peer main\n:peer kid\n:new b\n:peer b\n:peer b\n');
    expect(run.stderr).toEqual([
      'cannot peer: a Pod is not its own peer (`main`)',
      'cannot peer: pod `kid` is a spawned child of `main`; a parent and its child are never peers (the parent uses SendToPod)',
    ]);
    expect(run.stdout.at(-2)).toBe('peered `main` ↔ `b`');
    expect(run.stdout.at(-1)).toMatch(/^`main` and `b` are already peers \(since \d{4}-.*\); nothing changed$/);
  });

  it('sends `::text` as the message `:text`', async () => {
    const { app, history } = await store();
    await runPiped(app, '::peer is a command\n');
    expect((await history('main'))[0]).toMatchObject({ kind: 'user_input', text: ':peer is a command' });
  });

  it('says one line when the store fails under a command, and goes on with the next', async () => {
    const { app } = await store();
    vi.spyOn(app.listPods, 'execute').mockRejectedValueOnce(new Error('connection terminated unexpectedly\n    at Socket.end'));
    const run = await runPiped(app, ':pods\n:pods\n');
    expect(run.stderr).toEqual(['could not complete: connection terminated unexpectedly']);
    expect(run.stdout.at(-1)).toBe('main  self      idle    default  model      no (this is the calling Pod)');
    expect(run.code).toBe(1);
  });

  it('runs a tool as the attached Pod with :tool, printing one line of JSON; a tool error counts as refused', async () => {
    const { app, history } = await store();
    const run = await runPiped(app, ':new b\n:peer b\n:tool SendToPod {"name": "b", "message": "obey"}\n:tool SendToPeerPod {"name": "b", "message": "two  spaces"}\n:tool ListPods\n');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout[3] ?? '')).toEqual({
      error: { kind: 'invalid_argument', message: 'pod `b` is a peer of `main`, not its spawned child; use SendToPeerPod' },
    });
    expect(JSON.parse(run.stdout[4] ?? '')).toMatchObject({ summary: expect.stringContaining('sent peer message to `b`'), content: { pair_seq: 1 } });
    expect(JSON.parse(run.stdout[5] ?? '')).toMatchObject({ content: { pods: [{ name: 'b', visibility: 'peer' }, { name: 'main', visibility: 'self' }] } });
    expect(await history('main')).toEqual([]);
    expect(await history('b')).toEqual([expect.objectContaining({ from: 'main', body: 'two  spaces' })]);
  });

  it('restores a stopped peer into this host with :restore, which then answers what reached it', async () => {
    const { app, history } = await store();
    const run = await runPiped(app, ':new b\n:peer b\n:tool SendToPeerPod {"name":"b","message":"wake up"}\n:restore b\n:restore b\n:restore ghost\n');
    expect(run.stdout.slice(4)).toEqual(['pod `b` restored on this host', 'pod `b` is already live']);
    expect(run.stderr).toEqual(['cannot restore: pod `ghost` is not visible to this Pod']);
    expect((await history('b')).map((e) => e.kind)).toEqual(['peer_message', 'assistant_message']);
  });

  it('attaches to another Pod with :attach, and views one that another host runs', async () => {
    const { app, container, history } = await store();
    const uow = container.get(UNIT_OF_WORK);
    const now = new Date();
    await runPiped(app, ':new b\n:new c\n');
    await uow.run((repos) => repos.leases.tryAcquire(name('c'), 'host_other', now, new Date(now.getTime() + 60_000)));
    const run = await runPiped(app, ':attach main\n:attach b\nhello b\n:attach c\nhello c\n:attach ghost\n');
    expect(run.stdout.filter((line) => line.startsWith('· attached') || line.startsWith('· viewing') || line.startsWith('already'))).toEqual([
      '· attached to `main`; it runs in this TUI (0 history entries)',
      'already attached to `main`',
      '· attached to `b`; it runs in this TUI (0 history entries)',
      '· viewing `c`: it runs on host host_other; what you type is committed to its history and that host answers; this TUI takes it over if that host leaves (0 history entries)',
    ]);
    expect(run.stdout).toContain('#2 [assistant] You said: hello b');
    expect(run.stdout).toContain('#1 [you] hello c');
    expect(run.stderr).toEqual(['pod `ghost` does not exist; `:new ghost` creates it']);
    expect(await history('c')).toEqual([expect.objectContaining({ kind: 'user_input', text: 'hello c' })]);
  });

  it('only views a stopped spawned child: its parent decides when it runs', async () => {
    const { app } = await store();
    const tools = app.tools;
    await tools.execute(name('main'), 'SpawnPod', { name: 'kid', task: 'wait', scope: [] });
    await tools.execute(name('main'), 'StopPod', { name: 'kid' });
    const run = await runPiped(app, ':attach kid\n');
    expect(run.stdout[1]).toBe(
      '· viewing `kid`: it is a stopped child of `main`, and only its parent can run it again (`:attach main`, then `:restore kid`) (1 history entry)',
    );
  });

  it('shows recent history with :history, and the chain of authority with :explain', async () => {
    const { app } = await store();
    const run = await runPiped(app, 'one\ntwo\n:history 2\n:explain 1\n:history\n');
    const afterTurns = run.stdout.slice(run.stdout.findLastIndex((line) => line.startsWith('· turn finished')) + 1);
    expect(afterTurns).toEqual([
      '#3 [you] two',
      '#4 [assistant] You said: two',
      '#1 user_input from the operator: one',
      '  typed by the operator',
      '#1 [you] one',
      '#2 [assistant] You said: one',
      '#3 [you] two',
      '#4 [assistant] You said: two',
    ]);
  });

  it('refuses :new with a profile this host lacks, as `pods create` does, and goes on', async () => {
    const { app } = await store();
    const run = await runPiped(app, ':new z --profile ghost\n:new z --profile inherit\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual(['unknown profile ghost; this host knows: default', 'unknown profile inherit; this host knows: default']);
  });

  it('refuses :edit from a pipe, where each line is a message, and goes on', async () => {
    const { app, history } = await store();
    const run = await runPiped(app, ':edit\nafter\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual(['`:edit` needs a terminal; from a pipe, each line is a message']);
    expect((await history('main')).map((e) => e.kind)).toEqual(['user_input', 'assistant_message']);
  });

  it('stops at :quit and ignores what follows', async () => {
    const { app, history } = await store();
    const run = await runPiped(app, ':quit\nhello\n');
    expect(run.code).toBe(0);
    expect(await history('main')).toEqual([]);
  });
});
