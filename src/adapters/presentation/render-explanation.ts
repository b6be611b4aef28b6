import type { Explanation, ExplanationStep } from '../../application/use-cases/explain-entry.js';
import type { HistoryEntry } from '../../domain/history-entry.js';
import { entryJson, renderEntry } from './render-entry.js';

export function renderExplanation(explanation: Explanation): readonly string[] {
  const { entry, chain } = explanation;
  const steps = chain.length === 0 ? ['no further record of what authorized it'] : chain.map((step) => describeStep(step, entry));
  return [renderEntry(entry), ...steps.map((text, i) => `  ${i === 0 ? '' : '← '}${text}`)];
}

function describeStep(step: ExplanationStep, entry: HistoryEntry): string {
  switch (step.step) {
    case 'operator_input':
      return 'typed by the operator';
    case 'model_output':
      return `written during \`${step.pod}\`'s own turn (its model's output, or a tool it called)`;
    case 'control_plane':
      return `written by the control plane (${step.code})`;
    case 'scope_decision': {
      const from = step.scopeFrom === 'parent' ? 'lent by its parent' : 'given by the operator at create';
      return step.rule === undefined
        ? `${step.decision} by pods: no rule of \`${step.pod}\`'s scope covers it`
        : `${step.decision} by pods from \`${step.pod}\`'s scope rule ${step.rule} (${from})`;
    }
    case 'child_ownership':
      return `\`${step.child}\` is a spawned child of \`${step.parent}\` (spawned at ${step.spawnedAt.toISOString()}, now ${step.state})`;
    case 'peer_relation': {
      const state = step.current ? 'current' : 'since removed';
      const [from, to] = step.between;
      const message = entry.kind === 'peer_message' ? `peer message #${entry.pairSeq} from \`${from}\`` : `peer relation of \`${from}\` and \`${to}\``;
      return `${message} over relation ${step.relationId} (${state})`;
    }
    case 'operator_command': {
      const { record, command } = step;
      const verb = command === 'peer' ? 'created' : 'removed';
      const other = record.initiatedFrom === record.pod ? record.counterpart : record.pod;
      const at = record.at.toISOString();
      // The command as the operator typed it, where the surface is known.
      if (record.via === 'cli') return `${verb} by \`pods ${command} ${record.initiatedFrom} ${other}\` at ${at}`;
      if (record.via === 'tui') return `${verb} by \`:${command} ${other}\` in the TUI attached to \`${record.initiatedFrom}\` at ${at}`;
      return `${verb} by the operator's ${command} command from \`${record.initiatedFrom}\` via ${record.via} at ${at}`;
    }
  }
}

export function explanationJson(explanation: Explanation): Record<string, unknown> {
  return { entry: entryJson(explanation.entry), chain: explanation.chain };
}
