import { describePodNotFound } from '../errors.js';
import type { ListPods } from '../use-cases/list-pods.js';
import { MAX_WAIT_MS, type WaitForInbound, type WaitOutcome } from '../use-cases/wait-for-inbound.js';
import { CONTENT, type ToolDefinition } from './tool-definition.js';
import { executionFailed, toolOk, type ToolResult } from './tool-result.js';

type Input = { wait_ms?: number };

const waited = (outcome: WaitOutcome): string =>
  outcome.ended === 'arrived'
    ? `; new input arrived after ${outcome.waitedMs} ms`
    : outcome.ended === 'timed_out'
      ? `; no new input within ${outcome.waitedMs} ms`
      : `; the wait was cancelled after ${outcome.waitedMs} ms`;

export function listPodsTool(useCase: ListPods, wait: WaitForInbound): ToolDefinition<Input> {
  return {
    name: 'ListPods',
    title: 'List visible Pods',
    effect: 'reads',
    description:
      'List the Pods visible to you: yourself, your spawned children (outstanding or stopped) and your peers, ' +
      'with status, liveness, who drives each live one (`model`, `acp` for a coding agent, or `mcp`), its `profile`, ' +
      'whether each can be restored and how many children each has. `unconfined: true` marks a Pod whose agent runs ' +
      'with no OS sandbox: it can touch whatever its OS user can, beyond its scope. Pods outside this set are never ' +
      'shown, and this tool cannot reveal whether they exist. ' +
      `With \`wait_ms\` (at most ${MAX_WAIT_MS}), it first waits until new input reaches you (a peer message, a child's ` +
      'event, a notice, operator input) or that time passes, then lists; the summary says which.',
    inputSchema: {
      type: 'object',
      properties: {
        wait_ms: {
          type: 'integer',
          minimum: 0,
          maximum: MAX_WAIT_MS,
          description: 'Optional; wait up to this many milliseconds for new input before answering (0: answer at once).',
        },
      },
      additionalProperties: false,
    },
    contentSchema: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: CONTENT.string,
          visibility: { type: 'string', enum: ['self', 'spawned_child', 'peer'] },
          status: { type: 'string', enum: ['idle', 'running', 'stopped'] },
          live: CONTENT.boolean,
          drivenBy: { type: 'string', enum: ['model', 'acp', 'mcp'] },
          profile: CONTENT.string,
          restore: { type: 'object', properties: { possible: CONTENT.boolean, reason: CONTENT.string }, required: ['possible'] },
          children: { type: 'object', properties: { count: CONTENT.integer, live: CONTENT.integer, stopped: CONTENT.integer }, required: ['count', 'live', 'stopped'] },
        },
        required: ['name', 'visibility', 'status', 'live', 'profile', 'restore', 'children'],
      },
    },
    async run(caller, input, context): Promise<ToolResult> {
      let note = '';
      if (input.wait_ms !== undefined && input.wait_ms > 0) {
        const outcome = await wait.execute({ pod: caller, seen: context.seen ?? 'head', waitMs: input.wait_ms, ...(context.signal ? { signal: context.signal } : {}) });
        if (!outcome.ok) return executionFailed(describePodNotFound(outcome.error));
        note = waited(outcome.value);
      }
      const result = await useCase.execute({ caller });
      if (!result.ok) return executionFailed(describePodNotFound(result.error));
      // JSON round trip: dates become ISO strings, as every reader of tool content expects.
      return toolOk(`${result.value.length} visible pod(s)${note}`, JSON.parse(JSON.stringify(result.value)));
    },
  };
}
