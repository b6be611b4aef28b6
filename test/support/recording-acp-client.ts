import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable, Writable } from 'node:stream';
import * as acp from '@agentclientprotocol/sdk/unstable';
import type { AgentProcess } from './agent-process.js';

export type PermissionRecord = { readonly request: acp.RequestPermissionRequest; readonly answer: acp.RequestPermissionOutcome };
export type FsRecord =
  | { readonly method: 'fs/write_text_file'; readonly params: acp.WriteTextFileRequest }
  | { readonly method: 'fs/read_text_file'; readonly params: acp.ReadTextFileRequest };

/** Answers a permission request: by default the first "allow once" option (else the first allow, else the first). */
export type PermissionPolicy = (request: acp.RequestPermissionRequest) => acp.RequestPermissionOutcome;

export const allowOnce: PermissionPolicy = ({ options }) => {
  const option = options.find((o) => o.kind === 'allow_once') ?? options.find((o) => o.kind.startsWith('allow')) ?? options[0];
  return option ? { outcome: 'selected', optionId: option.optionId } : { outcome: 'cancelled' };
};

export type RecordingClient = {
  readonly connection: acp.ClientConnection;
  /** Every valid `session/update`, with the ms since the agent process started. */
  readonly updates: { readonly at: number; readonly notification: acp.SessionNotification }[];
  readonly permissions: PermissionRecord[];
  readonly fs: FsRecord[];
  /** Every JSON-RPC line the agent wrote, parsed, also those the SDK refused as invalid. */
  readonly wire: { readonly at: number; readonly message: Record<string, unknown> }[];
  /** The updates of one session, optionally from index `from` of `updates`. */
  readonly updatesOf: (sessionId: string, from?: number) => acp.SessionUpdate[];
};

/**
 * A plain ACP client (SDK 2.4.0, unstable schema, as agents send unstable updates) on an agent
 * process's stdio that records what the agent sends. It offers `fs/read_text_file` and
 * `fs/write_text_file` served from the local disk; it offers no terminal.
 */
export function connectRecordingClient(agent: AgentProcess, permission: PermissionPolicy = allowOnce): RecordingClient {
  const updates: RecordingClient['updates'] = [];
  const permissions: PermissionRecord[] = [];
  const fs: FsRecord[] = [];
  const wire: RecordingClient['wire'] = [];
  let pending = '';
  agent.child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      try {
        if (line) wire.push({ at: Date.now() - agent.startedAt, message: JSON.parse(line) as Record<string, unknown> });
      } catch {
        wire.push({ at: Date.now() - agent.startedAt, message: { notJson: line.slice(0, 500) } });
      }
    }
  });
  const connection = acp
    .client({ name: 'pods-real-agent-test' })
    .onRequest('session/request_permission', ({ params }) => {
      const answer = permission(params);
      permissions.push({ request: params, answer });
      return { outcome: answer };
    })
    .onRequest('fs/read_text_file', ({ params }) => {
      fs.push({ method: 'fs/read_text_file', params });
      const lines = readFileSync(params.path, 'utf8').split('\n');
      const start = Math.max(0, (params.line ?? 1) - 1);
      return { content: lines.slice(start, params.limit != null ? start + params.limit : undefined).join('\n') };
    })
    .onRequest('fs/write_text_file', ({ params }) => {
      fs.push({ method: 'fs/write_text_file', params });
      mkdirSync(dirname(params.path), { recursive: true });
      writeFileSync(params.path, params.content);
      return {};
    })
    .onNotification('session/update', ({ params }) => {
      updates.push({ at: Date.now() - agent.startedAt, notification: params });
    })
    .connect(acp.ndJsonStream(Writable.toWeb(agent.child.stdin), Readable.toWeb(agent.child.stdout) as ReadableStream<Uint8Array>));
  return {
    connection, updates, permissions, fs, wire,
    updatesOf: (sessionId, from = 0) => updates.slice(from).filter((u) => u.notification.sessionId === sessionId).map((u) => u.notification.update),
  };
}

/** The ACP `initialize` this project's tests send: protocol 1, the client's file methods offered, no terminal. */
export const INITIALIZE: acp.InitializeRequest = {
  protocolVersion: acp.PROTOCOL_VERSION,
  clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: false },
  clientInfo: { name: 'pods-real-agent-test', version: '0' },
};
