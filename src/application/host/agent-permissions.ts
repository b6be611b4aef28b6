import { ScopeRule } from '../../domain/scope-rule.js';
import type { PermissionDecision } from '../../domain/permission-decision.js';
import type { AgentPermissionRequest } from '../ports/coding-agents.js';

/** pods' own tools as agents title them: `mcp__pods__ListPods` (Claude), `pods_ListPods` (opencode), `Tool: pods/ListPods` (Codex). */
const POD_TOOL = /(^|[^A-Za-z0-9])pods(__|[._:/-])(SpawnPod|SendToPod|ReadPodOutput|StopPod|ListPods|RestorePod|SendToPeerPod)$/;

/** Titles under which an agent asks for any call of a kind, saying nothing of which: Codex asks so for every MCP tool. */
const GENERIC_TITLES = new Set(['Approve MCP tool call']);

/**
 * The title a permission request is judged and recorded by: its own, unless that is a
 * generic one and the agent announced the call (same id) under a title of its own, such as
 * Codex's `Tool: pods/SpawnPod`. Kind and locations still come from the request itself.
 */
export function permissionTitle(asked: string | undefined, announced: string | undefined): string | undefined {
  return (asked === undefined || GENERIC_TITLES.has(asked.trim())) && announced !== undefined ? announced : asked;
}

/**
 * A request for one of pods' own tools over the Pod's channel: its title names one, and it
 * claims nothing a shell or file tool would (no kind but `other`, no location), so an agent
 * cannot pass a command off as a Pod tool by its title alone.
 */
export function isPodsTool(request: AgentPermissionRequest): boolean {
  return POD_TOOL.test(request.title.trim()) && (request.toolKind === undefined || request.toolKind === 'other') && request.locations.length === 0;
}

export function ruleOf(decision: PermissionDecision): string | undefined {
  const ground = decision.type === 'WithinScope' ? decision.locations[0]?.ground : decision.type === 'OutsideScope' || decision.type === 'ReachesBelow' ? decision.location.ground : undefined;
  if (ground?.type !== 'Rule') return undefined;
  return ScopeRule.describe(ground.rule);
}
