import { POD_STATUSES, type PodStatus } from '../../domain/pod-status.js';
import { VISIBILITY_REASONS, visibleCount, type VisibleFilter } from '../../domain/visible-page.js';
import type { VisibilityReason } from '../../domain/visibility.js';
import { describePodNotFound } from '../errors.js';
import { LIST_PODS_LIMITS, type ListPods, type PodsPage } from '../use-cases/list-pods.js';
import { MAX_WAIT_MS, type WaitForInbound, type WaitOutcome } from '../use-cases/wait-for-inbound.js';
import { podNameField } from './argument-parsers.js';
import { CONTENT, NAME_PROPERTY, type ToolDefinition } from './tool-definition.js';
import { executionFailed, toolOk, type ToolResult } from './tool-result.js';

type Input = { wait_ms?: number; limit?: number; cursor?: string; relation?: VisibilityReason; status?: PodStatus; prefix?: string };

const waited = (outcome: WaitOutcome): string =>
  outcome.ended === 'arrived'
    ? `; new input arrived after ${outcome.waitedMs} ms`
    : outcome.ended === 'timed_out'
      ? `; no new input within ${outcome.waitedMs} ms`
      : `; the wait was cancelled after ${outcome.waitedMs} ms`;

const counts = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record).filter(([, n]) => n > 0).map(([k, n]) => `${n.toLocaleString('en')} ${k}`).join(', ');

function summaryOf(page: PodsPage, filter: VisibleFilter): string {
  const visible = visibleCount(page.totals);
  const shown = page.pods.length;
  const asked = [filter.relation && `relation ${filter.relation}`, filter.status && `status ${filter.status}`, filter.prefix !== undefined && `names starting with \`${filter.prefix}\``, filter.after && `after \`${filter.after}\``].filter(Boolean);
  if (asked.length === 0 && page.cursor === undefined) return `${shown} visible pod(s)`;
  const of = `${shown} of ${visible.toLocaleString('en')} visible pod(s)${asked.length > 0 ? ` (${asked.join(', ')})` : ''}`;
  const totals = ` [${counts(page.totals.relation)}; ${counts(page.totals.status)}]`;
  return page.cursor === undefined
    ? `${of}${totals}; no more match`
    : `${of}${totals}; more match: call again with "cursor": ${JSON.stringify(page.cursor)}${asked.length > 0 ? ' and the same filters' : ''}`;
}

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
      `One page at a time, sorted by name: at most \`limit\` Pods (default ${LIST_PODS_LIMITS.default}, at most ${LIST_PODS_LIMITS.max}), ` +
      'optionally only one `relation`, one `status` or names starting with `prefix`; `totals` counts your whole visibility set by ' +
      'relation and by status, and `cursor`, when present, is where the next page starts (pass it back with the same filters). ' +
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
        limit: { type: 'integer', minimum: 1, maximum: LIST_PODS_LIMITS.max, description: `Optional; at most this many Pods (default ${LIST_PODS_LIMITS.default}).` },
        cursor: { ...NAME_PROPERTY, description: 'Optional; the `cursor` of the previous page: list the Pods after it.' },
        relation: { type: 'string', enum: VISIBILITY_REASONS, description: 'Optional; only Pods you see this way.' },
        status: { type: 'string', enum: POD_STATUSES, description: 'Optional; only Pods with this status.' },
        prefix: { ...NAME_PROPERTY, description: 'Optional; only Pods whose names start with this.' },
      },
      additionalProperties: false,
    },
    contentSchema: {
      type: 'object',
      properties: {
        pods: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              name: CONTENT.string,
              visibility: { type: 'string', enum: VISIBILITY_REASONS },
              status: { type: 'string', enum: POD_STATUSES },
              live: CONTENT.boolean,
              drivenBy: { type: 'string', enum: ['model', 'acp', 'mcp'] },
              profile: CONTENT.string,
              restore: { type: 'object', properties: { possible: CONTENT.boolean, reason: CONTENT.string }, required: ['possible'] },
              children: { type: 'object', properties: { count: CONTENT.integer, live: CONTENT.integer, stopped: CONTENT.integer }, required: ['count', 'live', 'stopped'] },
            },
            required: ['name', 'visibility', 'status', 'live', 'profile', 'restore', 'children'],
          },
        },
        totals: {
          type: 'object',
          properties: { relation: { type: 'object', additionalProperties: CONTENT.integer }, status: { type: 'object', additionalProperties: CONTENT.integer } },
          required: ['relation', 'status'],
        },
        cursor: CONTENT.string,
      },
      required: ['pods', 'totals'],
    },
    async run(caller, input, context): Promise<ToolResult> {
      const cursor = input.cursor === undefined ? undefined : podNameField('ListPods', 'cursor', input.cursor);
      if (cursor && !cursor.ok) return cursor.error;
      const prefix = input.prefix === undefined ? undefined : podNameField('ListPods', 'prefix', input.prefix);
      if (prefix && !prefix.ok) return prefix.error;
      const filter: VisibleFilter = {
        ...(cursor ? { after: cursor.value } : {}),
        ...(input.relation ? { relation: input.relation } : {}),
        ...(input.status ? { status: input.status } : {}),
        ...(prefix ? { prefix: prefix.value } : {}),
      };
      let note = '';
      if (input.wait_ms !== undefined && input.wait_ms > 0) {
        const outcome = await wait.execute({ pod: caller, seen: context.seen ?? 'head', waitMs: input.wait_ms, ...(context.signal ? { signal: context.signal } : {}) });
        if (!outcome.ok) return executionFailed(describePodNotFound(outcome.error));
        note = waited(outcome.value);
      }
      const result = await useCase.execute({ caller, ...filter, ...(input.limit === undefined ? {} : { limit: input.limit }) });
      if (!result.ok) return executionFailed(describePodNotFound(result.error));
      // JSON round trip: dates become ISO strings, as every reader of tool content expects.
      return toolOk(`${summaryOf(result.value, filter)}${note}`, JSON.parse(JSON.stringify(result.value)));
    },
  };
}
