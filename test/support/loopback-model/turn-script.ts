import { latestUserText, type ModelReply, type ModelRequest, type ModelScript } from './model-exchange.js';
import { resolveIntent, type ToolIntent } from './tool-intents.js';

/** One step of a turn: one tool call, several at once, or the reply that ends the turn. */
export type TurnStep = ToolIntent | readonly ToolIntent[] | ModelReply;

export type TurnRule = {
  readonly trigger: (userText: string) => boolean;
  readonly steps: readonly TurnStep[];
};

export const say = (text: string, options: { readonly chunks?: number; readonly paceMs?: number } = {}): ModelReply => ({ kind: 'text', text, ...options });
/** Starts an answer with `text` and never ends the stream (the agent's cancel ends it). */
export const hang = (text = 'Working on it'): ModelReply => ({ kind: 'hang', text });
export const failWith = (status: number, message: string): ModelReply => ({ kind: 'error', status, message });

/**
 * A turn for prompts whose text contains `trigger` (a string, or a pattern): the steps run in
 * order, one per model request, each tool step waiting for the results of its calls. The step
 * is found from the request alone (results after the newest prompt text holding the trigger),
 * so a retried request gets the same answer. Give each prompt of a test its own trigger.
 */
export function when(trigger: string | RegExp, ...steps: TurnStep[]): TurnRule {
  return { trigger: typeof trigger === 'string' ? (t) => t.includes(trigger) : (t) => trigger.test(t), steps };
}

const isReply = (step: TurnStep): step is ModelReply => !Array.isArray(step) && ['text', 'tool_calls', 'hang', 'error'].includes((step as { kind: string }).kind);

/**
 * A script from rules: the rule whose trigger appears in the newest user text wins, and its
 * next step answers. Without a matching rule, or past a rule's last step, the reply is
 * `fallback` ("ok" by default).
 */
export function scriptTurns(rules: readonly TurnRule[], fallback: ModelReply = say('ok')): ModelScript {
  return (request: ModelRequest) => {
    let start = -1;
    let rule: TurnRule | undefined;
    request.items.forEach((item, index) => {
      if (item.kind !== 'text' || item.role !== 'user') return;
      const matching = rules.find((r) => r.trigger(item.text));
      if (matching) {
        start = index;
        rule = matching;
      }
    });
    if (!rule) return fallback;
    const results = request.items.slice(start + 1).filter((item) => item.kind === 'tool_result').length;
    let consumed = 0;
    for (const step of rule.steps) {
      if (isReply(step)) return step;
      const intents: readonly ToolIntent[] = Array.isArray(step) ? step : [step as ToolIntent];
      if (results < consumed + intents.length) return { kind: 'tool_calls', calls: intents.map((intent) => resolveIntent(intent, request)) };
      consumed += intents.length;
    }
    return fallback;
  };
}

export { latestUserText };
