import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AbsolutePath } from '../../src/domain/absolute-path.js';
import type { HistoryEntry } from '../../src/domain/history-entry.js';
import { MessageBody } from '../../src/domain/message-body.js';
import { PodName } from '../../src/domain/pod-name.js';
import { parseAcpProfile, type AcpProfile } from '../../src/domain/profile.js';
import { ProfileName } from '../../src/domain/profile-name.js';
import { openAgentHost, testHomes, type AgentHost } from '../support/agent-host.js';
import { livingWithHomeUnder } from '../support/agent-process.js';
import { startLoopbackModelServer, type LoopbackModelServer } from '../support/loopback-model/loopback-model-server.js';
import { hang, say, scriptTurns, when } from '../support/loopback-model/turn-script.js';
import { codexConfig, findAgent, type RealAgent } from '../support/real-agents.js';
import { until } from '../support/until.js';

// Real agents on a shared 2-core machine: generous bounds (a start takes 0.1–3 s idle).
const WAIT_MS = 60_000;
const DUMMY_KEY = 'loopback-not-a-real-key';
const pod = PodName.unsafe('worker');

let host: AgentHost | undefined;
let model: LoopbackModelServer | undefined;
let configDir: string | undefined;
afterEach(async () => {
  const home = host?.home;
  await host?.close();
  await model?.close();
  if (configDir) await rm(configDir, { recursive: true, force: true });
  host = undefined;
  model = undefined;
  configDir = undefined;
  if (home) expect(livingWithHomeUnder(home)).toEqual([]);
});

async function profileOf(agent: RealAgent, command: string, server: LoopbackModelServer, dir: string): Promise<AcpProfile> {
  const config = join(dir, 'codex-config.toml');
  await writeFile(config, codexConfig(server.url, 'danger-full-access'));
  const parsed = parseAcpProfile(agent === 'claude'
    ? { name: agent, command, passEnv: ['ANTHROPIC_API_KEY'], env: { ANTHROPIC_BASE_URL: server.url, CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1', DISABLE_TELEMETRY: '1' } }
    : { name: agent, command, passEnv: ['LOOPBACK_API_KEY'], homeFiles: { '.codex/config.toml': config } });
  if (!parsed.ok) throw new Error(parsed.error.problem);
  return parsed.value;
}

const answers = (entries: readonly HistoryEntry[]) => entries.flatMap((e) => (e.kind === 'assistant_message' ? [e.text] : []));

for (const agent of ['claude', 'codex'] as const) {
  const found = findAgent(agent);
  if (!found.ok) {
    if (process.env['CI']) it(`${agent}: is installed`, () => expect.fail(found.reason));
    else it.skip(`${agent}: ${found.reason}`, () => undefined);
    continue;
  }
  describe(`${agent} driven by pods, cancelled by the operator`, () => {
    it('answers each later input with its own answer, and leaves no model request open', async () => {
      model = await startLoopbackModelServer({ script: scriptTurns([when('THIRD', say('Third answer.')), when('AFTER-CANCEL', say('Back again.')), when('FIRST-ONE', say('First answer.')), when('HANG-NOW', hang('Thinking'))]) });
      const server = model;
      configDir = await mkdtemp(join(await testHomes(), `config-${agent}-`));
      host = await openAgentHost([await profileOf(agent, found.command, server, configDir)], { env: { ANTHROPIC_API_KEY: DUMMY_KEY, LOOPBACK_API_KEY: DUMMY_KEY }, timing: { startTimeoutMs: WAIT_MS, silenceMs: WAIT_MS } });
      const h = host;
      await h.app.createPod.execute({ name: pod, scope: [{ target: AbsolutePath.unsafe(h.work), permission: 'write', recursive: true }], profile: ProfileName.unsafe(agent), hold: 'model' });
      await h.app.runtime.attach(pod);
      const turn = async (text: string, count: number) => {
        await h.app.submitOperatorInput.execute({ pod, text: MessageBody.unsafe(text) });
        await h.waitFor('worker', `answer ${count}`, (es) => answers(es).length >= count && !h.app.runtime.busy(pod), WAIT_MS);
      };
      await turn('FIRST-ONE', 1);
      // Cancelled once the partial answer has reached pods: an open stream alone says nothing of
      // whether the agent has passed its first words on yet, and the cancelled turn keeps what came.
      let streamed = '';
      const unsubscribe = h.app.events.subscribe((e) => { if (e.type === 'text' && e.pod === pod) streamed += e.delta; });
      try {
        await h.app.submitOperatorInput.execute({ pod, text: MessageBody.unsafe('HANG-NOW') });
        await until(async () => (server.openStreams() > 0 && streamed.includes('Thinking') ? true : undefined), WAIT_MS, 'the partial answer streamed');
      } finally {
        unsubscribe();
      }
      h.app.runtime.cancel(pod);
      await h.waitFor('worker', 'cancelled', (es) => es.some((e) => e.kind === 'notice' && e.code === 'turn_cancelled'), WAIT_MS);
      // Claude Code 0.23.1 would answer the next prompt with nothing, and every later one with the answer before it.
      await turn('AFTER-CANCEL', 3);
      await turn('THIRD', 4);
      expect(answers(await h.history('worker'))).toEqual(['First answer.', 'Thinking', 'Back again.', 'Third answer.']);
      // Codex would keep the abandoned model request open (5 minutes, its stream timeout).
      await until(async () => (server.openStreams() === 0 ? true : undefined), WAIT_MS, 'no model request left open');
    }, 4 * WAIT_MS);
  });
}
