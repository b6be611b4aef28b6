import { redactUrl } from './redact-url.js';

export type PodsCommandCount = { readonly command: string; readonly processes: number; readonly connections: number };

/** Who holds a server's connections, as its superuser reads them from `pg_stat_activity`. */
export type ConnectionCount = {
  readonly limit: number;
  /** Of the limit, the slots only the superuser (or `pg_use_reserved_connections`) may take. */
  readonly reserved: number;
  readonly pods: readonly PodsCommandCount[];
  /** Connections of clients that do not name themselves as pods processes (psql, a pods from before names were given). */
  readonly others: number;
};

/** SQLSTATE 53300; pods can count who holds the managed server's connections, for a user's own only what to raise. */
export type NoConnectionLeft =
  | { readonly type: 'ManagedStoreFull'; readonly home: string; readonly count: ConnectionCount }
  | { readonly type: 'ManagedStoreFullUncounted'; readonly home: string; readonly serverMessage: string }
  | { readonly type: 'ServerFull'; readonly url: string; readonly serverMessage: string };

/** The commands whose processes are hosts (SPEC §1): each holds two connections, whatever its number of Pods. */
export const HOST_COMMANDS: readonly string[] = ['serve', 'tui', 'mcp'];

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const commands = (counts: readonly PodsCommandCount[]): string => counts.map((c) => `${c.processes} \`pods ${c.command}\``).join(', ');
const sum = (counts: readonly PodsCommandCount[], of: (c: PodsCommandCount) => number): number => counts.reduce((total, c) => total + of(c), 0);

const MORE_PER_HOST = 'stop some of them, or serve more Pods per host (`pods serve --pod A --pod B …`: a host holds 2 connections whatever its number of Pods)';

export function describeNoConnectionLeft(refusal: NoConnectionLeft): string {
  switch (refusal.type) {
    case 'ManagedStoreFull': {
      const { limit, reserved, pods, others } = refusal.count;
      const hosts = pods.filter((c) => HOST_COMMANDS.includes(c.command));
      const rest = pods.filter((c) => !HOST_COMMANDS.includes(c.command));
      const parts = [
        ...(hosts.length > 0 ? [`${plural(sum(hosts, (c) => c.processes), 'host')}: ${commands(hosts)}`] : []),
        ...(rest.length > 0 ? [`${plural(sum(rest, (c) => c.processes), 'other pods process', 'other pods processes')}: ${commands(rest)}`] : []),
      ];
      const held = `pods processes hold ${sum(pods, (c) => c.connections)}${parts.length > 0 ? ` (${parts.join('; ')})` : ''}, other clients ${others}`;
      return `the store server under ${refusal.home} has no connection left for pods (max_connections ${limit}, ${reserved} of them kept for its superuser): ${held}; ${MORE_PER_HOST}`;
    }
    case 'ManagedStoreFullUncounted':
      return `the store server under ${refusal.home} has no connection left (${refusal.serverMessage}), and this process may not use the superuser's slots to count who holds them; ${MORE_PER_HOST}`;
    case 'ServerFull':
      return `the PostgreSQL server at ${redactUrl(refusal.url)} has no connection left for pods (${refusal.serverMessage}); each pods host holds 2 and every other pods process 1: stop some, or raise the server's max_connections (docs/cli.md, "Your own server")`;
  }
}

/** Thrown when a store opens on a server with no connection left: its message is the one line to print. */
export class NoConnectionLeftError extends Error {
  override readonly name = 'NoConnectionLeftError';

  constructor(readonly refusal: NoConnectionLeft) {
    super(describeNoConnectionLeft(refusal));
  }
}

/** Whether `error` is the server's "too many clients" (SQLSTATE 53300), reserved slots included. */
export function isNoConnectionLeft(error: unknown): error is Error & { readonly code: '53300' } {
  return error instanceof Error && 'code' in error && error.code === '53300';
}
