import { inject, injectable } from 'inversify';
import type { AuditRecord } from '../../domain/audit-record.js';
import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { describePodNotFound, podNotFound, type PodNotFound } from '../errors.js';
import type { Repositories } from '../ports/unit-of-work.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';

export type ExplanationStep =
  | { readonly step: 'operator_input' }
  | { readonly step: 'model_output'; readonly pod: PodName }
  | { readonly step: 'control_plane'; readonly code: string }
  /** A permission pods answered from the Pod's scope: the rule that decided, or none (refused). */
  | { readonly step: 'scope_decision'; readonly pod: PodName; readonly decision: 'allowed' | 'rejected'; readonly rule?: string; readonly scopeFrom: 'operator' | 'parent' }
  | {
      readonly step: 'child_ownership';
      readonly parent: PodName;
      readonly child: PodName;
      readonly spawnedAt: Date;
      readonly state: 'outstanding' | 'stopped';
    }
  | {
      readonly step: 'peer_relation';
      readonly relationId: string;
      readonly between: readonly [PodName, PodName];
      readonly current: boolean;
    }
  | { readonly step: 'operator_command'; readonly command: 'peer' | 'unpeer'; readonly record: AuditRecord };

export type Explanation = { readonly entry: HistoryEntry; readonly chain: readonly ExplanationStep[] };
export type ExplainEntryError = PodNotFound | { readonly type: 'EntryNotFound'; readonly pod: PodName; readonly seq: number };

export const describeExplainEntryError = (error: ExplainEntryError): string =>
  error.type === 'PodNotFound' ? describePodNotFound(error) : `pod \`${error.pod}\` has no history entry #${error.seq}`;

@injectable()
export class ExplainEntry {
  constructor(@inject(UNIT_OF_WORK) private readonly uow: UnitOfWork) {}

  async execute(command: { readonly pod: PodName; readonly seq: number }): Promise<Result<Explanation, ExplainEntryError>> {
    const { pod, seq } = command;
    return this.uow.run(async (repos): Promise<Result<Explanation, ExplainEntryError>> => {
      if (!(await repos.pods.get(pod))) return err(podNotFound(pod));
      const entry = await repos.history.get(pod, seq);
      if (!entry) return err({ type: 'EntryNotFound', pod, seq });
      return ok({ entry, chain: await chainOf(repos, entry) });
    });
  }
}

async function chainOf(repos: Repositories, entry: HistoryEntry): Promise<readonly ExplanationStep[]> {
  switch (entry.kind) {
    case 'user_input':
      return entry.origin.type === 'operator' ? [{ step: 'operator_input' }] : ownershipOf(repos, entry.pod);
    case 'assistant_message':
    case 'tool_call':
    case 'tool_result':
      return [{ step: 'model_output', pod: entry.pod }];
    case 'pod_event':
      return ownershipOf(repos, entry.child);
    case 'notice':
      return [{ step: 'control_plane', code: entry.code }];
    case 'permission': {
      // The scope came from the operator's create, or was lent by the parent at spawn.
      const lent = await ownershipOf(repos, entry.pod);
      const decided: ExplanationStep = {
        step: 'scope_decision', pod: entry.pod, decision: entry.decision, scopeFrom: lent.length > 0 ? 'parent' : 'operator',
        ...(entry.rule !== undefined ? { rule: entry.rule } : {}),
      };
      return [decided, ...lent];
    }
    case 'peer_message': {
      const records = await repos.audit.listForRelation(entry.relationId);
      const mine = records.filter((r) => r.pod === entry.pod);
      const current = (await repos.relations.listFor(entry.pod)).some((r) => r.id === entry.relationId);
      return [
        { step: 'peer_relation', relationId: entry.relationId, between: [entry.from, entry.pod], current },
        ...mine.map((record): ExplanationStep => ({
          step: 'operator_command', command: record.action === 'peer_added' ? 'peer' : 'unpeer', record,
        })),
      ];
    }
  }
}

async function ownershipOf(repos: Repositories, child: PodName): Promise<readonly ExplanationStep[]> {
  const edge = await repos.children.findByChild(child);
  if (!edge) return [];
  return [{ step: 'child_ownership', parent: edge.parent, child: edge.child, spawnedAt: edge.spawnedAt, state: edge.state }];
}
