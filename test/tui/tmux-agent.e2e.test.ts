import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, describe, it } from 'vitest';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { SCRIPTED_AGENT } from '../support/agent-host.js';
import { builtCliInTmux, HAS_TMUX } from './tmux.js';

const { server, cli, podsCommand } = builtCliInTmux('pods-agent-e2e');
const SPIN = '[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]';

describe.skipIf(!HAS_TMUX)(`an agent-driven Pod in a real terminal (tmux)${HAS_TMUX ? '' : ': skipped, tmux is not installed'}`, () => {
  it('streams the agent\'s text, shows its refused permission requests and "unconfined", and Ctrl+C cancels its turn', async () => {
    const home = await cli().home('tmux-agent');
    const work = join(home, 'work');
    await mkdir(work);
    const added = await cli().pods(home, 'profile', 'add', 'scripted', '--acp', '--sandbox', 'none', '--', process.execPath, SCRIPTED_AGENT);
    expect(added).toMatchObject({ code: 0, stdout: expect.stringContaining('(unconfined)') });
    expect((await cli().pods(home, 'create', 'w', '--profile', 'scripted', '--scope', `write:${work}`)).code).toBe(0);

    const tui = await server.open('agent', podsCommand(home, 'tui', '--pod', 'w'), { columns: 100, rows: 40 });
    await tui.waitFor(/runs with profile `scripted` unconfined: its agent can read and write whatever you can, the store included\n[^]*── w · unconfined · runs here · idle\nw> $/m, 30_000);

    await tui.type('#say hello from the agent');
    await tui.press('Enter');
    await tui.waitFor(/#2 \[assistant\] hello from the agent\n[^]*── w · unconfined · runs here · idle\nw> $/m, 30_000);

    await tui.type('#write /nonexistent/outside.txt no');
    await tui.press('Enter');
    const refused = await tui.waitFor(/\[permission rejected\] Write \/nonexistent\/outside\.txt: [^\n]+\n[^]*── w · unconfined · runs here · idle\nw> $/m, 30_000);
    expect(refused).toContain('· refused Write /nonexistent/outside.txt: refused edit: write /nonexistent/outside.txt is outside the scope');

    await tui.type('#hang');
    await tui.press('Enter');
    await tui.waitFor(new RegExp(`│ working\\n── w · unconfined · runs here · ${SPIN} turn \\d+\\.\\ds\\nw> $`, 'm'), 30_000);
    await tui.press('C-c');
    const cancelled = await tui.waitFor(/\[notice turn_cancelled\] the operator cancelled this turn\n[^]*── w · unconfined · runs here · idle\nw> $/m, 30_000);
    expect(cancelled).toContain('[assistant] working');

    const history = JSON.parse((await cli().pods(home, 'history', 'w', '--json')).stdout) as HistoryEntry[];
    expect(history.map((e) => e.kind)).toEqual([
      'user_input', 'assistant_message', 'user_input', 'tool_call', 'permission', 'tool_result', 'user_input', 'assistant_message', 'notice',
    ]);
    await tui.press('C-d');
    await tui.waitFor(/· quitting: releasing `w`\n\[exit 0\]/, 30_000);
  }, 120_000);
});
