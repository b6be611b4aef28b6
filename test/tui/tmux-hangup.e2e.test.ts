import { describe, expect, it } from 'vitest';
import { builtCliInTmux, HAS_TMUX } from './tmux.js';

const { server, cli, podsCommand } = builtCliInTmux('pods-tui-hangup');

describe.skipIf(!HAS_TMUX)(`closing the terminal of a TUI (SIGHUP)${HAS_TMUX ? '' : ': skipped, tmux is not installed'}`, () => {
  it('gives its lease back at once: `pods ls` shows the Pod free well before its lease would end, and a peer message right after says stopped', async () => {
    const home = await cli().home('tmux-hangup');
    const pods = async (...args: string[]) => {
      const run = await cli().pods(home, ...args);
      if (run.code !== 0) throw new Error(`pods ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
      return run.stdout;
    };
    await pods('create', 'hup');
    await pods('create', 'friend');
    await pods('peer', 'hup', 'friend');
    const holderOf = async (pod: string) => (JSON.parse(await pods('ls', '--json')) as { name: string; hostId?: string }[]).find((p) => p.name === pod)?.hostId;

    // A lease a minute long: the Pod seen free within the wait below was given back, not left to expire.
    const command = podsCommand(home, 'tui', '--pod', 'hup');
    command.splice(command.indexOf(`PODS_HOME=${home}`) + 1, 0, 'PODS_LEASE_TTL_MS=60000');
    const tui = await server.open('hangup', command);
    await tui.waitFor(/hup> $/m);
    expect(await holderOf('hup')).toBeDefined();

    const closed = Date.now();
    await tui.close();
    let freeSeenBy: number | undefined;
    for (let started = Date.now(); started - closed < 20_000; started = Date.now()) {
      if ((await holderOf('hup')) === undefined) {
        freeSeenBy = started - closed;
        break;
      }
    }
    expect(freeSeenBy, 'the TUI kept its lease after its terminal closed').toBeDefined();

    const sent = JSON.parse(await pods('tool', 'friend', 'SendToPeerPod', JSON.stringify({ name: 'hup', message: 'still there?' }))) as { content: { delivered_to: string; turn: string } };
    expect(sent.content).toMatchObject({ delivered_to: 'stopped', turn: 'none' });
  }, 120_000);
});
