import { describe, expect, it } from 'vitest';
import type { Completion } from '../../src/adapters/tui/colon-command.js';
import { COLON_COMMANDS } from '../../src/adapters/tui/colon-commands.js';
import { completeTuiLine } from '../../src/adapters/tui/complete-tui-line.js';

const SOURCES: Record<Completion, readonly string[]> = {
  command: COLON_COMMANDS.map((c) => c.name),
  tool: ['ListPods', 'RestorePod', 'SendToPeerPod', 'SendToPod', 'SpawnPod'],
  store_pods: ['alpha', 'b', 'beta', 'kid'],
  peer_candidates: ['beta', 'bob'],
  peers: ['alpha'],
  visible_pods: ['alpha', 'kid'],
};
const asked: Completion[] = [];
const complete = (line: string) => completeTuiLine(line, COLON_COMMANDS, async (c) => (asked.push(c), SOURCES[c]));

describe('completeTuiLine', () => {
  it('offers every command on an empty line', async () => {
    const [hits, replaced] = await complete('');
    expect(hits).toEqual(COLON_COMMANDS.map((c) => `:${c.name}`));
    expect(replaced).toBe('');
  });

  it('completes a command name, with a space when it takes arguments', async () => {
    expect(await complete(':pe')).toEqual([[':peer '], ':pe']);
    expect(await complete(':po')).toEqual([[':pods'], ':po']);
    expect(await complete(':q')).toEqual([[':quit'], ':q']);
    expect(await complete(':p')).toEqual([[':peer', ':pods'], ':p']);
    expect(await complete(':')).toEqual([COLON_COMMANDS.map((c) => `:${c.name}`), ':']);
    expect(await complete(':zz')).toEqual([[], ':zz']);
  });

  it('completes Pod names from the source each command names', async () => {
    asked.length = 0;
    expect(await complete(':peer b')).toEqual([['beta', 'bob'], 'b']);
    expect(await complete(':unpeer ')).toEqual([['alpha'], '']);
    expect(await complete(':attach b')).toEqual([['b', 'beta'], 'b']);
    expect(await complete(':restore k')).toEqual([['kid'], 'k']);
    expect(asked).toEqual(['peer_candidates', 'peers', 'store_pods', 'visible_pods']);
  });

  it('completes tool names, then leaves the JSON alone', async () => {
    expect(await complete(':tool Se')).toEqual([['SendToPeerPod', 'SendToPod'], 'Se']);
    expect(await complete(':tool SendToPod {"na')).toEqual([[], '{"na']);
  });

  it('completes command names after :help', async () => {
    expect(await complete(':help un')).toEqual([['unpeer'], 'un']);
  });

  it('offers nothing for plain input, for a parameter without a source, or past the last one', async () => {
    expect(await complete('hello b')).toEqual([[], 'hello b']);
    expect(await complete(':new b')).toEqual([[], 'b']);
    expect(await complete(':explain 1')).toEqual([[], '1']);
    expect(await complete(':peer alpha b')).toEqual([[], 'b']);
  });

  it('offers nothing when the lookup fails', async () => {
    const failing = await completeTuiLine(':peer b', COLON_COMMANDS, async () => Promise.reject(new Error('store gone')));
    expect(failing).toEqual([[], 'b']);
  });
});
