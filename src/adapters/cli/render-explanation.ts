import type { Explanation, ExplanationStep } from '../../application/use-cases/explain-entry.js';
import type { HistoryEntry } from '../../domain/history-entry.js';
import { entryJson, renderEntry } from './render-entry.js';

/** The entry, then each link of the chain that let it in, newest cause first, in plain words. */
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
    case 'child_ownership':
      return `\`${step.child}\` is a spawned child of \`${step.parent}\` (spawned at ${step.spawnedAt.toISOString()}, now ${step.state})`;
    case 'peer_relation': {
      const state = step.current ? 'current' : 'since removed';
      const [from, to] = step.between;
      const message = entry.kind === 'peer_message' ? `peer message #${entry.pairSeq} from \`${from}\`` : `peer relation of \`${from}\` and \`${to}\``;
      return `${message} over relation ${step.relationId} (${state})`;
    }
    case 'operator_command': {
      const { record } = step;
      const verb = step.command === 'peer' ? 'created' : 'removed';
      return `${verb} by \`:${step.command}\` from \`${record.initiatedFrom}\` via ${record.via} at ${record.at.toISOString()}`;
    }
  }
}

/** The `--json` form: the entry as `pods history --json` prints it, and the chain as the use case gives it. */
export function explanationJson(explanation: Explanation): Record<string, unknown> {
  return { entry: entryJson(explanation.entry), chain: explanation.chain };
}
