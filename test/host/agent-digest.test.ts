import { expect, it } from 'vitest';
import { InMemoryUnitOfWork } from '../../src/adapters/persistence/in-memory/in-memory-unit-of-work.js';
import { agentDigest } from '../../src/application/host/agent-digest.js';
import { digestComplete, historyDigest } from '../../src/application/host/agent-prompt.js';
import { makeWorld, name } from '../support/world.js';

it("gives a new session the digest of the whole history, though the host's copy holds too few entries for it", async () => {
  const uow = new InMemoryUnitOfWork();
  const w = makeWorld(uow);
  await w.create('me');
  await w.append('me', { kind: 'user_input', text: 'go on working', origin: { type: 'operator' } });
  // An agent's calls and large results: a budget of them says little in a digest.
  for (let i = 0; i < 600; i++) {
    await w.append('me', { kind: 'tool_call', callId: `c${i}`, tool: 'Read', input: {}, seenThrough: 1, agent: {} });
    await w.append('me', { kind: 'tool_result', callId: `c${i}`, tool: 'Read', outcome: 'ok', summary: 'read', content: 'x'.repeat(2_000), agent: { status: 'completed' } });
  }
  const whole = await w.history('me');
  const copy = whole.slice(-100);
  const before = whole.length + 1;
  expect(digestComplete(copy, before)).toBe(false);
  const digest = await agentDigest(uow, name('me'), copy, before);
  expect(digest).toBe(historyDigest(whole, before));
  expect(digest).not.toBe(historyDigest(copy, before));
  // A copy from the first entry is the whole history: no read.
  expect(await agentDigest(undefined as never, name('me'), whole, before)).toBe(digest);
});
