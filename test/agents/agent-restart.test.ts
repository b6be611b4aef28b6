import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import { MessageBody } from '../../src/domain/message-body.js';
import { PodName } from '../../src/domain/pod-name.js';
import { ProfileName } from '../../src/domain/profile-name.js';
import { openAgentHost, scriptedProfile } from '../support/agent-host.js';
import { openPostgresTestStore } from '../support/test-stores.js';

const pod = PodName.unsafe;
let store: Awaited<ReturnType<typeof openPostgresTestStore>>;
let home: string;
beforeAll(async () => {
  store = await openPostgresTestStore();
  home = await mkdtemp(join(tmpdir(), 'pods-restart-'));
});
afterAll(async () => {
  await store.dispose();
  await rm(home, { recursive: true, force: true });
});

describe('an agent-driven Pod across hosts on one machine', () => {
  it('resumes the agent session stored with the Pod when another host takes it over', async () => {
    const first = await openAgentHost([scriptedProfile()], { store: { kind: 'postgres', url: store.url }, home });
    await first.app.createPod.execute({ name: pod('keeper'), scope: [{ target: AbsolutePath.unsafe(home), permission: 'write', recursive: true }], profile: ProfileName.unsafe('scripted'), hold: 'model' });
    await first.app.runtime.attach(pod('keeper'));
    await first.app.submitOperatorInput.execute({ pod: pod('keeper'), text: MessageBody.unsafe('one') });
    await first.waitFor('keeper', 'first answer', (es) => es.some((e) => e.kind === 'assistant_message' && e.text === 'ok: one'));
    await first.close();

    const second = await openAgentHost([scriptedProfile()], { store: { kind: 'postgres', url: store.url }, home });
    try {
      expect((await second.app.runtime.attach(pod('keeper'))).ok).toBe(true);
      await second.app.submitOperatorInput.execute({ pod: pod('keeper'), text: MessageBody.unsafe('two') });
      const entries = await second.waitFor('keeper', 'second answer', (es) => es.some((e) => e.kind === 'assistant_message' && e.text === 'ok: two'));
      expect(entries.filter((e) => e.kind === 'notice')).toEqual([]);
      const log = (await readFile(join(home, 'agents', 'keeper', 'home', 'requests.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { method: string; params: { sessionId?: string } });
      const created = log.find((r) => r.method === 'session/new');
      const loaded = log.find((r) => r.method === 'session/load');
      expect(loaded?.params.sessionId).toBeDefined();
      expect(loaded?.params.sessionId).toBe((log.filter((r) => r.method === 'session/prompt')[0]?.params.sessionId));
      expect(created).toBeDefined();
    } finally {
      await second.close();
    }
  });
});
