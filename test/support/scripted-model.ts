import type { Model, ModelReply, ModelRequest } from '../../src/application/ports/model.js';

type Step = ModelReply | ((request: ModelRequest) => ModelReply | Promise<ModelReply>);

/**
 * A model that answers from a script, one step per request, and keeps every request it
 * got, so tests can check what a model saw. With the script used up it says "done".
 */
export class ScriptedModel implements Model {
  readonly label = 'scripted';
  readonly requests: ModelRequest[] = [];
  private readonly script: Step[];
  constructor(...script: Step[]) {
    this.script = script;
  }
  push(...steps: Step[]): void {
    this.script.push(...steps);
  }
  async complete(request: ModelRequest): Promise<ModelReply> {
    this.requests.push(request);
    const step = this.script.shift() ?? { ok: true, text: 'done', toolCalls: [] };
    return typeof step === 'function' ? step(request) : step;
  }
}

export const says = (text: string): ModelReply => ({ ok: true, text, toolCalls: [] });
export const calls = (tool: string, input: unknown, callId = `call_${tool}`): ModelReply => ({
  ok: true, text: '', toolCalls: [{ callId, tool, input }],
});
