import { displayValue } from '../../domain/display.js';
import { redactSecrets, redactSecretsIn } from '../../domain/secret-mask.js';
import { inject, injectable } from 'inversify';
import type { PodName } from '../../domain/pod-name.js';
import { describePodNotFound } from '../errors.js';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work.js';
import { DeliverPeerMessage } from '../use-cases/deliver-peer-message.js';
import { ListPods } from '../use-cases/list-pods.js';
import { ReadChildOutput } from '../use-cases/read-child-output.js';
import { RestorePod } from '../use-cases/restore-pod.js';
import { SendToChild } from '../use-cases/send-to-child.js';
import { SpawnChildPod } from '../use-cases/spawn-child-pod.js';
import { StopChild } from '../use-cases/stop-child.js';
import { WaitForInbound } from '../use-cases/wait-for-inbound.js';
import { InputValidator } from './input-validator.js';
import { listPodsTool } from './list-pods-tool.js';
import { readPodOutputTool } from './read-pod-output-tool.js';
import { restorePodTool } from './restore-pod-tool.js';
import { sendToPeerPodTool } from './send-to-peer-pod-tool.js';
import { sendToPodTool } from './send-to-pod-tool.js';
import { spawnPodTool } from './spawn-pod-tool.js';
import { stopPodTool } from './stop-pod-tool.js';
import type { ToolCallContext, ToolContentSchema, ToolDefinition, ToolEffect, ToolInputSchema } from './tool-definition.js';
import { executionFailed, invalidArgument, type ToolResult } from './tool-result.js';

export type ToolSpec = { readonly name: string; readonly description: string; readonly inputSchema: ToolInputSchema };

export type ToolListing = ToolSpec & { readonly title: string; readonly effect: ToolEffect; readonly contentSchema: ToolContentSchema };

type Registered = { readonly definition: ToolDefinition<never>; readonly validator: InputValidator };

/** The seven tools of SPEC §4; input is checked against each schema and the domain parsers before any use case runs. */
@injectable()
export class PodTools {
  private readonly tools: ReadonlyMap<string, Registered>;

  constructor(
    @inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @inject(SpawnChildPod) spawn: SpawnChildPod,
    @inject(SendToChild) send: SendToChild,
    @inject(ReadChildOutput) read: ReadChildOutput,
    @inject(StopChild) stop: StopChild,
    @inject(ListPods) list: ListPods,
    @inject(RestorePod) restore: RestorePod,
    @inject(DeliverPeerMessage) sendPeer: DeliverPeerMessage,
    @inject(WaitForInbound) wait: WaitForInbound,
  ) {
    const definitions = [
      spawnPodTool(spawn),
      sendToPodTool(send),
      readPodOutputTool(read),
      stopPodTool(stop),
      listPodsTool(list, wait),
      restorePodTool(restore),
      sendToPeerPodTool(sendPeer),
    ] as unknown as ToolDefinition<never>[];
    this.tools = new Map(definitions.map((d) => [d.name, { definition: d, validator: new InputValidator(d.name, d.inputSchema) }]));
  }

  /** Given the host's profiles, SpawnPod's description names them, so a model knows what `profile` may be. */
  specs(profiles?: readonly string[]): readonly ToolListing[] {
    return [...this.tools.values()].map(({ definition: { name, title, description, effect, inputSchema, contentSchema } }) => ({
      name,
      title,
      description: name === 'SpawnPod' && profiles ? `${description} Profiles on this host: ${profiles.join(', ')}.` : description,
      effect,
      inputSchema,
      contentSchema,
    }));
  }

  names(): readonly string[] {
    return [...this.tools.keys()];
  }

  /** Runs one tool as `caller`. Never throws: a store failure becomes `execution_failed`. */
  async execute(caller: PodName, calledTool: string, calledInput: unknown, context: ToolCallContext = {}): Promise<ToolResult> {
    // Here, where every call of every tool passes, rather than in each tool: a new tool is covered too.
    const { secrets } = context;
    const tool = secrets ? redactSecrets(calledTool, secrets) : calledTool;
    const input = secrets ? redactSecretsIn(calledInput, secrets) : calledInput;
    const registered = this.tools.get(tool);
    if (!registered) return invalidArgument(`unknown tool \`${displayValue(tool)}\`; available: ${this.names().join(', ')}`);
    const problem = registered.validator.check(input);
    if (problem) return invalidArgument(problem);
    try {
      // Every tool acts as its caller; a caller that does not exist is a fault of whoever runs the tool.
      if (!(await this.uow.run((repos) => repos.pods.get(caller), { singleRead: true }))) return executionFailed(describePodNotFound(caller));
      return await registered.definition.run(caller, input as never, context);
    } catch (error) {
      return executionFailed(`${tool} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
