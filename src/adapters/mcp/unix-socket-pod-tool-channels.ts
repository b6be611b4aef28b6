import { lstat, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { McpServerLaunch, PodToolChannels } from '../../application/ports/coding-agents.js';
import type { ProfileCatalog } from '../../application/ports/profile-catalog.js';
import type { PodTools } from '../../application/tools/pod-tools.js';
import type { PodName } from '../../domain/pod-name.js';
import { privateDirectory } from '../system/private-directory.js';
import { servePodOverStdio, type StdioServing } from './serve-pod-over-stdio.js';

/** How the agent reaches the channel: `COMMAND ARGS… SOCKET` (`pods mcp-relay`), a byte relay with no access of its own. */
export type ChannelRelay = { readonly command: string; readonly args: readonly string[] };

type Channel = { readonly server: Server; readonly socket: string; readonly connections: Set<Socket>; readonly servings: Set<StdioServing> };

/** Longest socket path a Unix socket address holds (108 bytes with the NUL, on Linux). */
const MAX_SOCKET_PATH = 100;

/** A 0700 socket in the Pod's state directory: only that Pod's agent reaches it, and every call runs here as that Pod. */
export class UnixSocketPodToolChannels implements PodToolChannels {
  private readonly open_ = new Map<PodName, Channel>();

  constructor(
    private readonly tools: PodTools,
    private readonly relay: ChannelRelay,
    private readonly version: string,
    private readonly profiles: ProfileCatalog,
  ) {}

  async open(pod: PodName, stateDir: string, secrets: readonly string[]): Promise<McpServerLaunch> {
    await this.close(pod);
    const socket = `${stateDir}/pods.sock`;
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
      throw new Error(`the Pod's channel socket ${socket} is longer than a Unix socket path may be; use a shorter PODS_HOME`);
    }
    await privateDirectory(stateDir);
    await removeStaleSocket(socket);
    const channel: Channel = { server: createServer({ allowHalfOpen: true }), socket, connections: new Set(), servings: new Set() };
    const profiles = (await this.profiles.list()).map((p) => p.name);
    channel.server.on('connection', (connection) => void this.serve(pod, channel, connection, profiles, secrets));
    await new Promise<void>((resolve, reject) => {
      channel.server.once('error', reject);
      channel.server.listen(socket, () => resolve());
    });
    this.open_.set(pod, channel);
    return { name: 'pods', command: this.relay.command, args: [...this.relay.args, socket], env: {} };
  }

  async close(pod: PodName): Promise<void> {
    const channel = this.open_.get(pod);
    if (!channel) return;
    this.open_.delete(pod);
    const closed = new Promise<void>((resolve) => channel.server.close(() => resolve()));
    await Promise.all([...channel.servings].map((s) => s.close().catch(() => undefined)));
    for (const connection of channel.connections) connection.destroy();
    await closed;
    await rm(channel.socket, { force: true });
  }

  private async serve(pod: PodName, channel: Channel, connection: Socket, profiles: readonly string[], secrets: readonly string[]): Promise<void> {
    channel.connections.add(connection);
    connection.once('close', () => channel.connections.delete(connection));
    connection.on('error', () => connection.destroy());
    const serving = await servePodOverStdio({ pod, tools: this.tools, version: this.version, profiles, secrets, stdin: connection, stdout: connection });
    channel.servings.add(serving);
    await serving.closed;
    channel.servings.delete(serving);
    connection.end();
  }
}

/** A socket left by a host that died is removed; anything else at that path is not ours to remove. */
async function removeStaleSocket(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) return;
  if (!info.isSocket()) throw new Error(`${path} exists and is not a socket; remove it and retry`);
  await rm(path);
}
