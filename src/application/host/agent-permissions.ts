import { AbsolutePath } from '../../domain/absolute-path.js';
import type { EffectiveScope } from '../../domain/effective-scope.js';
import { ScopeRule } from '../../domain/scope-rule.js';
import type { AgentPermissionRequest } from '../ports/coding-agents.js';

export type PermissionAnswer = { readonly decision: 'allowed' | 'rejected'; readonly rule?: string; readonly reason: string };

const POD_TOOL = /(^|[^A-Za-z0-9])pods(__|[._:/ -])(SpawnPod|SendToPod|ReadPodOutput|StopPod|ListPods|RestorePod|SendToPeerPod)\b/;
const READS = new Set(['read', 'search']);
const WRITES = new Set(['edit', 'delete', 'move']);

/**
 * pods' answer to an agent's permission request, from the Pod's scope now (never a model's
 * or the operator's): pods' own tools always (they check the Pod's authority themselves);
 * reads and writes whose every location a rule covers; anything without locations (shell
 * commands, fetches) only when the process is confined, since then the OS bounds it.
 */
export function answerPermission(request: AgentPermissionRequest, scope: EffectiveScope, confined: boolean): PermissionAnswer {
  if (POD_TOOL.test(request.title)) return { decision: 'allowed', reason: 'a pods tool: it checks the Pod\'s authority itself' };
  const kind = request.toolKind ?? 'other';
  const access = READS.has(kind) ? 'read' : WRITES.has(kind) ? 'write' : undefined;
  if (access === undefined || request.locations.length === 0) {
    return confined
      ? { decision: 'allowed', reason: `a ${kind} request without locations: the sandbox bounds what it can touch` }
      : { decision: 'rejected', reason: `a ${kind} request without locations, and the agent is unconfined: nothing would bound it` };
  }
  let decided: string | undefined;
  for (const raw of request.locations) {
    const path = AbsolutePath.parse(raw);
    if (!path.ok) return { decision: 'rejected', reason: `location ${JSON.stringify(raw)} is not an absolute path` };
    const wanted: ScopeRule = { target: path.value, permission: access, recursive: false };
    const grant = scope.grants.find((g) => ScopeRule.covers(g, wanted));
    if (!grant) return { decision: 'rejected', reason: `${access} of ${path.value} is outside the Pod's scope` };
    const lent = access === 'write' ? scope.lentWrite.find((l) => ScopeRule.overlaps(l, wanted)) : undefined;
    if (lent) return { decision: 'rejected', rule: ScopeRule.describe(lent), reason: `${path.value} is lent to a child (${ScopeRule.describe(lent)})` };
    decided ??= ScopeRule.describe(grant);
  }
  return { decision: 'allowed', ...(decided ? { rule: decided } : {}), reason: `every location is within the Pod's ${access} scope` };
}
