import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonFileProfileCatalog } from '../../src/adapters/profiles/json-file-profile-catalog.js';
import { inProcessCli } from './in-process-cli.js';

let home: string;
let cli: ReturnType<typeof inProcessCli>;

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'pods-profile-cli-'));
  cli = inProcessCli({ profiles: new JsonFileProfileCatalog(home) });
});
afterEach(async () => {
  await cli.dispose();
  await rm(home, { recursive: true, force: true });
});

describe('pods profile', () => {
  it('adds an ACP profile from everything after --, lists it after default, shows it with secrets masked, and removes it', async () => {
    const added = await cli.run('profile', 'add', 'claude', '--acp', '--env', 'ANTHROPIC_BASE_URL=http://127.0.0.1:9/v1', '--env', 'ANTHROPIC_API_KEY=sk-secret-1', '--pass-env', 'GITHUB_TOKEN', '--idle-ms', '5000', '--sandbox', 'none', '--', 'npx', '-y', '@zed-industries/claude-agent-acp');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toBe('added profile `claude`: npx -y @zed-industries/claude-agent-acp (unconfined)\n');

    const listed = await cli.run('profile', 'ls');
    expect(listed.stdout.split('\n')[0]).toMatch(/^NAME\s+DRIVER\s+SANDBOX\s+RUNS$/);
    expect(listed.stdout).toMatch(/default\s+model\s+-/);
    expect(listed.stdout).toMatch(/claude\s+acp\s+none \(unconfined\)\s+npx -y @zed-industries\/claude-agent-acp/);

    const shown = await cli.run('profile', 'show', 'claude');
    expect(shown.stdout).toContain('env: ANTHROPIC_BASE_URL=http://127.0.0.1:9/v1 ANTHROPIC_API_KEY=••••\n');
    expect(shown.stdout).toContain('pass-env: GITHUB_TOKEN\n');
    expect(shown.stdout).toContain('sandbox: none: the agent runs unconfined');
    const json = await cli.run('profile', 'ls', '--json');
    expect(json.stdout).not.toContain('sk-secret-1');
    expect(shown.stdout).not.toContain('sk-secret-1');

    expect(await cli.run('profile', 'rm', 'claude')).toMatchObject({ code: 0, stdout: 'removed profile `claude`\n' });
    expect((await cli.run('profile', 'ls')).stdout).not.toContain('claude');
  });

  it.each([
    [['profile', 'add', 'x', '--', 'cmd'], 'add needs --acp'],
    [['profile', 'add', 'x', '--acp'], 'add needs the agent\'s command line after --'],
    // The name is the one word before `--`, the command line everything after it.
    [['profile', 'add', 'a', 'b', '--acp', '--', 'echo'], 'add takes one profile name before --, got `a b`'],
    [['profile', 'add', '--acp', '--', 'echo'], 'add needs the profile name before --'],
    [['profile', 'add', 'c', '--acp', 'echo', 'hi'], 'add takes one profile name, got `c echo hi`; the agent\'s command line goes after --'],
    [['profile', 'add', 'c', '--acp', '--'], 'add needs the agent\'s command line after --'],
    [['profile', 'add', 'default', '--acp', '--', 'cmd'], 'profile default: `default` is reserved'],
    [['profile', 'add', 'x', '--acp', '--env', 'NOEQUALS', '--', 'cmd'], '--env NOEQUALS: expected K=V'],
    [['profile', 'add', 'x', '--acp', '--sandbox', 'docker', '--', 'cmd'], 'sandbox must be `bwrap` or `none`'],
    [['profile', 'show'], 'show takes one argument'],
    [['profile', 'frob'], 'unknown action `frob`'],
  ])('refuses %j as a usage error', async (argv, message) => {
    const run = await cli.run(...argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it('refuses a second profile of a name, and an unknown one, as refusals', async () => {
    await cli.run('profile', 'add', 'x', '--acp', '--', 'cmd');
    expect(await cli.run('profile', 'add', 'x', '--acp', '--', 'other')).toMatchObject({ code: 1, stderr: 'pods profile: a profile named `x` exists; `pods profile rm x` first to replace it\n' });
    expect(await cli.run('profile', 'rm', 'nope')).toMatchObject({ code: 1, stderr: 'pods profile: no profile named `nope`\n' });
    expect(await cli.run('profile', 'rm', 'default')).toMatchObject({ code: 1 });
  });

  it('creates a Pod with a profile this host has, shows it in pods ls, and refuses one it does not have', async () => {
    await cli.run('profile', 'add', 'coder', '--acp', '--', 'cmd');
    expect(await cli.run('create', 'w', '--profile', 'coder')).toMatchObject({ code: 0, stdout: 'created pod `w` with scope write:/home/op/project and profile `coder`\n' });
    const refused = await cli.run('create', 'v', '--profile', 'ghost');
    expect(refused).toMatchObject({ code: 1, stderr: 'pods create: unknown profile ghost; this host knows: default, coder\n' });
    // `inherit` means something to SpawnPod only: the operator has no profile of their own.
    expect(await cli.run('create', 'v', '--profile', 'inherit')).toMatchObject({ code: 1, stderr: 'pods create: unknown profile inherit; this host knows: default, coder\n' });
    const ls = await cli.run('ls');
    expect(ls.stdout).toMatch(/^NAME\s+STATUS\s+PROFILE\s+DRIVEN BY/);
    expect(ls.stdout).toMatch(/\nw\s+stopped\s+coder\s+-/);
    const json = JSON.parse((await cli.run('ls', '--json')).stdout) as { name: string; profile: string }[];
    expect(json.map((p) => [p.name, p.profile])).toEqual([['w', 'coder']]);
  });

  it('says "unconfined" wherever a Pod of a --sandbox none profile is shown', async () => {
    await cli.run('profile', 'add', 'open', '--acp', '--sandbox', 'none', '--', 'cmd');
    await cli.run('create', 'o', '--profile', 'open');
    expect((await cli.run('ls')).stdout).toMatch(/\no\s+stopped\s+open \(unconfined\)\s+-/);
    const listed = JSON.parse((await cli.run('tool', 'o', 'ListPods', '{}')).stdout) as { content: { pods: { name: string; profile: string; unconfined?: boolean }[] } };
    expect(listed.content.pods).toEqual([expect.objectContaining({ name: 'o', profile: 'open', unconfined: true })]);
    const all = JSON.parse((await cli.run('ls', '--json')).stdout) as { name: string; unconfined?: boolean }[];
    expect(all).toEqual([expect.objectContaining({ name: 'o', unconfined: true })]);
  });
});
