import type { SessionUpdate } from '@agentclientprotocol/sdk/unstable';
import { describe, expect, it } from 'vitest';
import { agentUpdateOf } from '../../src/adapters/acp/acp-updates.js';

// As codex-acp 0.16.0 sent them (test/e2e/pods-agents.e2e.test.ts): a command's output only in rawOutput.
const codexCommandEnd = {
  sessionUpdate: 'tool_call_update', toolCallId: 'call_4', status: 'completed',
  rawOutput: { call_id: 'call_4', command: ['/bin/bash', '-lc', 'echo hi'], stdout: 'hi\n', stderr: '', aggregated_output: 'hi\n', exit_code: 0, formatted_output: 'hi\n', status: 'completed' },
} as SessionUpdate;

describe('an agent update in pods\' terms', () => {
  it('takes a tool call\'s output from its content', () => {
    const update = { sessionUpdate: 'tool_call_update', toolCallId: 't', status: 'completed', rawOutput: 'raw', content: [{ type: 'content', content: { type: 'text', text: 'shown' } }] } as SessionUpdate;
    expect(agentUpdateOf(update)).toMatchObject({ type: 'tool', output: 'shown' });
  });

  it('takes it from rawOutput when there is no content, as Codex reports a command', () => {
    expect(agentUpdateOf(codexCommandEnd)).toMatchObject({ type: 'tool', callId: 'call_4', status: 'completed', output: 'hi\n' });
    const failed = { ...codexCommandEnd, status: 'failed', rawOutput: { stderr: 'bash: /w/x: Read-only file system\n', exit_code: 1 } } as SessionUpdate;
    expect(agentUpdateOf(failed)).toMatchObject({ output: 'bash: /w/x: Read-only file system\n' });
  });

  it('keeps no other rawOutput: Claude Code\'s repeats its content (a diff) in one line, and would replace it', () => {
    for (const rawOutput of [{ exit_code: 0 }, 'File created successfully at: /w/a.txt', [{ type: 'text', text: 'echo: e' }]]) {
      expect(agentUpdateOf({ sessionUpdate: 'tool_call_update', toolCallId: 't', status: 'completed', rawOutput } as SessionUpdate)).not.toHaveProperty('output');
    }
  });
});
