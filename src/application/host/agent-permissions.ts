import { ScopeRule } from '../../domain/scope-rule.js';
import type { PermissionDecision } from '../../domain/permission-decision.js';
import type { AgentPermissionRequest } from '../ports/coding-agents.js';

/** pods' own tools as agents title them: `mcp__pods__ListPods` (Claude), `pods_ListPods` (opencode), `Tool: pods/ListPods` (Codex). */
const POD_TOOL = /(^|[^A-Za-z0-9])pods(__|[._:/-])(SpawnPod|SendToPod|ReadPodOutput|StopPod|ListPods|RestorePod|SendToPeerPod)$/;

/** Titles under which an agent asks for any call of a kind, saying nothing of which: Codex asks so for every MCP tool. */
const GENERIC_TITLES = new Set(['Approve MCP tool call']);

/** A generic title yields to the one the agent announced the call under (Codex); kind and locations stay the request's. */
export function permissionTitle(asked: string | undefined, announced: string | undefined): string | undefined {
  return (asked === undefined || GENERIC_TITLES.has(asked.trim())) && announced !== undefined ? announced : asked;
}

/** Its title names a Pod tool and it claims no kind or location, so a command cannot pass for a Pod tool by title. */
export function isPodsTool(request: AgentPermissionRequest): boolean {
  return POD_TOOL.test(request.title.trim()) && (request.toolKind === undefined || request.toolKind === 'other') && request.locations.length === 0;
}

export function ruleOf(decision: PermissionDecision): string | undefined {
  const ground = decision.type === 'WithinScope' ? decision.locations[0]?.ground : decision.type === 'OutsideScope' || decision.type === 'ReachesBelow' ? decision.location.ground : undefined;
  if (ground?.type !== 'Rule') return undefined;
  return ScopeRule.describe(ground.rule);
}
