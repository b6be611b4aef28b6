import type { ChildProcess } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import * as acp from '@agentclientprotocol/sdk/unstable';
import {
  AgentFailure, type AgentLaunch, type AgentProcess, type AgentStopReason, type AgentUpdate,
} from '../../application/ports/coding-agents.js';
import { redactSecrets } from '../../domain/secret-mask.js';
import { agentUpdateOf } from './acp-updates.js';
import { AbsolutePath } from '../../domain/absolute-path.js';
import { realLocation } from '../sandbox/real-location.js';
import { ScopedFiles } from '../sandbox/scoped-files.js';
import { describeScopedFileRefusal } from '../sandbox/scoped-file-refusal.js';
import { endProcessGroup } from './process-group.js';
import { permissionTitle } from '../../application/host/agent-permissions.js';
import type { Confined } from '../../application/ports/sandbox.js';

/** The longest JSON-RPC line pods reads from an agent: a flood of bigger ones ends the agent, not the host. */
export const MAX_AGENT_MESSAGE_BYTES = 8 * 1024 * 1024;
/** Tool call titles kept per prompt; past it a generic permission request is judged by its own title. */
const MAX_TITLES = 1_000;

/** Updates go to the prompt in flight (none during `session/load`: history holds the replay); the host decides requests. */
export class AcpAgentProcess implements AgentProcess {
  canLoad = false;
  readonly exited: Promise<string>;
  private readonly connection: acp.ClientConnection;
  private readonly listeners = new Map<string, (update: AgentUpdate) => void>();
  private readonly titles = new Map<string, string>();
  private exitLine: string | undefined;

  get confined(): boolean {
    return this.sandboxed.confined;
  }

  constructor(
    private readonly child: ChildProcess,
    private readonly launch: AgentLaunch,
    private readonly sandboxed: Pick<Confined, 'confined' | 'passesSignals'>,
    private readonly secrets: readonly string[],
    private readonly timeoutMs: number,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve((this.exitLine = signal ? `it was killed by ${signal}` : `it exited with code ${code}`)));
      child.once('error', (error) => resolve((this.exitLine = `it could not be started: ${error.message}`)));
    });
    const stream = acp.ndJsonStream(
      Writable.toWeb(child.stdin!) as WritableStream<Uint8Array>,
      Readable.toWeb(child.stdout!) as ReadableStream<Uint8Array>,
      { maxMessageBytes: MAX_AGENT_MESSAGE_BYTES },
    );
    const { requests } = launch;
    this.connection = acp
      .client({ name: 'pods' })
      .onNotification('session/update', ({ params }) => {
        const update = agentUpdateOf(params.update);
        if (!update || !this.listeners.has(params.sessionId)) return;
        if (update.type === 'tool' && update.title !== undefined && this.titles.size < MAX_TITLES) this.titles.set(update.callId, update.title.slice(0, 200));
        this.listeners.get(params.sessionId)?.(update);
      })
      .onRequest('session/request_permission', async ({ params }) => {
        const { toolCall, options } = params;
        const cwd = AbsolutePath.unsafe(launch.cwd);
        const answer = await requests.permission({
          callId: toolCall.toolCallId,
          title: permissionTitle(toolCall.title ?? undefined, this.titles.get(toolCall.toolCallId)) ?? toolCall.kind ?? 'tool call',
          ...(toolCall.kind ? { toolKind: toolCall.kind } : {}),
          locations: await Promise.all((toolCall.locations ?? []).map((l) => realLocation(l.path, cwd))),
        });
        // Never an "always" answer: each request is decided from the scope as it is then.
        const option = options.find((o) => o.kind === (answer === 'allow' ? 'allow_once' : 'reject_once'));
        return { outcome: option ? { outcome: 'selected', optionId: option.optionId } : { outcome: 'cancelled' } };
      })
      .onRequest('fs/read_text_file', async ({ params }) => {
        const read = await (await this.files()).readTextFile(params);
        if (!read.ok) throw acp.RequestError.invalidParams(undefined, describeScopedFileRefusal(read.error));
        return read.value;
      })
      .onRequest('fs/write_text_file', async ({ params }) => {
        const written = await (await this.files()).writeTextFile(params);
        if (!written.ok) throw acp.RequestError.invalidParams(undefined, describeScopedFileRefusal(written.error));
        return {};
      })
      .connect(stream);
  }

  private async files(): Promise<ScopedFiles> {
    const confinement = await this.launch.currentConfinement();
    return new ScopedFiles(() => confinement);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async initialize(): Promise<void> {
    const reply = await this.call(() => this.connection.agent.request('initialize', {
      protocolVersion: acp.PROTOCOL_VERSION,
      clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: false },
      clientInfo: { name: 'pods', version: '0.1.0' },
    }), 'initialize', this.timeoutMs);
    this.canLoad = reply.agentCapabilities?.loadSession === true;
  }

  async newSession(): Promise<string> {
    const params: acp.NewSessionRequest = this.sessionParams();
    const reply = await this.call(() => this.connection.agent.request('session/new', params), 'session/new', this.timeoutMs);
    return reply.sessionId;
  }

  async loadSession(sessionId: string): Promise<boolean> {
    try {
      await this.call(() => this.connection.agent.request('session/load', { sessionId, ...this.sessionParams() }), 'session/load', this.timeoutMs);
      return true;
    } catch (error) {
      // An agent that answers (with an error) is alive and simply lost the session; one that does not is failing.
      if (this.exitLine !== undefined || (error instanceof AgentFailure && /did not answer/.test(error.message))) throw error;
      return false;
    }
  }

  async prompt(sessionId: string, text: string, onUpdate: (update: AgentUpdate) => void): Promise<AgentStopReason> {
    this.listeners.set(sessionId, onUpdate);
    try {
      const reply = await this.call<acp.PromptResponse>(() => this.connection.agent.request('session/prompt', { sessionId, prompt: [{ type: 'text' as const, text }] }), 'session/prompt');
      return reply.stopReason;
    } finally {
      this.listeners.delete(sessionId);
      this.titles.clear();
    }
  }

  async cancel(sessionId: string): Promise<void> {
    await this.connection.agent.notify('session/cancel', { sessionId });
  }

  async stop(): Promise<void> {
    this.connection.close();
    await endProcessGroup(this.child, this.exited, { leaderPassesSignals: this.sandboxed.passesSignals });
  }

  private sessionParams(): { cwd: string; mcpServers: acp.McpServer[] } {
    const { mcpServer, cwd } = this.launch;
    return {
      cwd,
      mcpServers: [{
        name: mcpServer.name, command: mcpServer.command, args: [...mcpServer.args],
        env: Object.entries(mcpServer.env).map(([name, value]) => ({ name, value })),
      }],
    };
  }

  /** Fails in one line: the process's end, else the agent's own error (secrets masked), else a timeout. */
  private async call<T>(request: () => Promise<T>, what: string, timeoutMs?: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = timeoutMs === undefined ? undefined : new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AgentFailure(`it did not answer ${what} within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    });
    const gone = this.exited.then((line) => Promise.reject(new AgentFailure(line)));
    gone.catch(() => undefined);
    try {
      return await Promise.race([request(), gone, ...(deadline ? [deadline] : [])]);
    } catch (error) {
      if (error instanceof AgentFailure) throw error;
      // A closed connection rejects what is pending: say how the process ended, once it has.
      const ended = await Promise.race([this.exited, new Promise<undefined>((resolve) => setTimeout(resolve, 200, undefined))]);
      const message = ended ?? `its answer to ${what} was an error: ${error instanceof Error ? error.message : String(error)}`;
      throw new AgentFailure(redactSecrets(message.split('\n')[0]!.slice(0, 300), this.secrets));
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}
