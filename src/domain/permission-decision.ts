import { AbsolutePath } from './absolute-path.js';
import { displayValue } from './display.js';
import { err, type Result } from './result.js';
import { accessAt, allows, describeGround, withinSubtree, type AccessGround, type Confinement } from './confinement.js';

/** ACP's tool kinds; anything else an agent sends counts as `other`. */
export type ToolKind = 'read' | 'edit' | 'delete' | 'move' | 'search' | 'execute' | 'think' | 'fetch' | 'switch_mode' | 'other';

/** What a kind needs from every location it names; `unbounded`: only the OS sandbox can bound it. */
export const KIND_NEEDS: Readonly<Record<ToolKind, 'read' | 'write' | 'unbounded'>> = {
  read: 'read',
  search: 'read',
  edit: 'write',
  delete: 'write',
  move: 'write',
  execute: 'unbounded',
  fetch: 'unbounded',
  think: 'unbounded',
  switch_mode: 'unbounded',
  other: 'unbounded',
};

export type PermissionRequest = {
  readonly kind?: string | null | undefined;
  readonly locations?: readonly { readonly path: string }[] | null | undefined;
  /** The tool is one of pods' own (the Pod tools over its MCP server): the Pod's authority already bounds it. */
  readonly isPodsTool: boolean;
};

export type PermissionContext = {
  readonly confinement: Confinement;
  /** The agent runs inside the OS sandbox, which bounds what no location names. */
  readonly confined: boolean;
  readonly cwd: AbsolutePath;
};

export type LocationGround = { readonly path: AbsolutePath; readonly ground: AccessGround };

export type PermissionDecision =
  | { readonly type: 'PodsTool'; readonly allow: true }
  | { readonly type: 'WithinScope'; readonly allow: true; readonly kind: ToolKind; readonly needs: 'read' | 'write'; readonly locations: readonly LocationGround[] }
  | { readonly type: 'BoundedBySandbox'; readonly allow: true; readonly kind: ToolKind }
  | { readonly type: 'OutsideScope'; readonly allow: false; readonly kind: ToolKind; readonly needs: 'read' | 'write'; readonly location: LocationGround }
  | { readonly type: 'ReachesBelow'; readonly allow: false; readonly kind: ToolKind; readonly needs: 'read' | 'write'; readonly location: LocationGround }
  | { readonly type: 'UnreadableLocation'; readonly allow: false; readonly kind: ToolKind; readonly path: string; readonly reason: string }
  | { readonly type: 'Unconfined'; readonly allow: false; readonly kind: ToolKind };

const kindOf = (raw: string | null | undefined): ToolKind =>
  raw && Object.hasOwn(KIND_NEEDS, raw) ? (raw as ToolKind) : 'other';

/** Lexical only; a leading `~` or a URL is refused rather than guessed, since the agent's tool may expand it. */
export function locationPath(raw: string, cwd: AbsolutePath): Result<AbsolutePath, string> {
  if (raw.trim() === '') return err('empty path');
  if (raw.startsWith('~')) return err('starts with ~, which a shell would expand');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw)) return err('a URL, not a path');
  const resolved = AbsolutePath.resolve(raw, cwd);
  return resolved.ok ? resolved : err(resolved.error.reason);
}

/**
 * From the scope, never by asking; a kind naming no location only for a confined agent, and below a location an unconfined
 * one meets nothing withheld or lent.
 */
export function decidePermission(request: PermissionRequest, context: PermissionContext): PermissionDecision {
  if (request.isPodsTool) return { type: 'PodsTool', allow: true };
  const kind = kindOf(request.kind);
  const needs = KIND_NEEDS[kind];
  const locations = request.locations ?? [];
  if (needs === 'unbounded' || locations.length === 0) {
    return context.confined ? { type: 'BoundedBySandbox', allow: true, kind } : { type: 'Unconfined', allow: false, kind };
  }
  const granted: LocationGround[] = [];
  for (const location of locations) {
    const parsed = locationPath(location.path, context.cwd);
    if (!parsed.ok) return { type: 'UnreadableLocation', allow: false, kind, path: location.path, reason: parsed.error };
    const path = parsed.value;
    const { access, ground } = accessAt(context.confinement, path);
    if (!allows(access, needs)) return { type: 'OutsideScope', allow: false, kind, needs, location: { path, ground } };
    // A confined agent meets what lies below in the OS: lent rules are read-only there, withheld paths absent.
    const below = context.confined ? undefined : withinSubtree(context.confinement, path, needs);
    if (below) return { type: 'ReachesBelow', allow: false, kind, needs, location: { path, ground: below } };
    granted.push({ path, ground });
  }
  return { type: 'WithinScope', allow: true, kind, needs, locations: granted };
}

export function describePermissionDecision(decision: PermissionDecision): string {
  switch (decision.type) {
    case 'PodsTool':
      return "allowed: one of pods' own tools, bounded by the Pod's authority";
    case 'WithinScope':
      return `allowed ${decision.kind}: ${decision.locations.map((l) => `${displayValue(l.path)} (${describeGround(l.ground)})`).join(', ')}`;
    case 'BoundedBySandbox':
      return `allowed ${decision.kind}: the agent is confined by the OS sandbox to its scope`;
    case 'OutsideScope':
      return `refused ${decision.kind}: ${decision.needs} ${displayValue(decision.location.path)} is outside the scope (${describeGround(decision.location.ground)})`;
    case 'ReachesBelow':
      return `refused ${decision.kind}: ${displayValue(decision.location.path)} contains what this Pod may not ${decision.needs} (${describeGround(decision.location.ground)})`;
    case 'UnreadableLocation':
      return `refused ${decision.kind}: location ${displayValue(decision.path)} is not a path pods can check (${decision.reason})`;
    case 'Unconfined':
      return `refused ${decision.kind}: it names no file pods can check, and the agent runs unconfined (no OS sandbox bounds it)`;
  }
}
