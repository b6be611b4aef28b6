/**
 * Imports of one adapter family by another that exist today, each a debt the house check
 * (import-graph.test.ts) tolerates: a new one fails it, and so does one that is gone (delete
 * it here). An import of `presentation` is none of them: every surface shares it by design
 * (`SHARED_FAMILIES` in the test). The CLI launches the TUI, the dashboard and `pods mcp`, so
 * it imports their entry points; `events` and `system` are helpers several families use and
 * want a shared home of their own; the rest are the CLI's store commands and help reading
 * persistence and model settings, and the agent process using the sandbox's file checks.
 */
export const KNOWN_ADAPTER_CROSSINGS: readonly string[] = [
  'adapters/acp/acp-agent-process.ts → adapters/sandbox/real-location.ts',
  'adapters/acp/acp-agent-process.ts → adapters/sandbox/scoped-file-refusal.ts',
  'adapters/acp/acp-agent-process.ts → adapters/sandbox/scoped-files.ts',
  'adapters/acp/acp-coding-agents.ts → adapters/system/private-directory.ts',
  'adapters/acp/agent-state-dir.ts → adapters/system/private-directory.ts',
  'adapters/cli/cli-command.ts → adapters/persistence/managed-postgres/server-status.ts',
  'adapters/cli/cli-command.ts → adapters/persistence/pglite-import/import-pglite-store.ts',
  'adapters/cli/commands/dash-command.ts → adapters/tui/dash/dash-on-terminal.ts',
  'adapters/cli/commands/mcp-command.ts → adapters/mcp/refusing-mcp-server.ts',
  'adapters/cli/commands/mcp-command.ts → adapters/mcp/serve-pod-over-stdio.ts',
  'adapters/cli/commands/tui-command.ts → adapters/tui/ask-on-terminal.ts',
  'adapters/cli/commands/tui-command.ts → adapters/tui/run-tui.ts',
  'adapters/cli/render-help.ts → adapters/model/model-config.ts',
  'adapters/cli/render-help.ts → adapters/persistence/postgres/connection/pool-size.ts',
  'adapters/mcp/unix-socket-pod-tool-channels.ts → adapters/system/private-directory.ts',
  'adapters/persistence/in-memory/in-memory-unit-of-work.ts → adapters/events/pod-event-stream.ts',
  'adapters/persistence/managed-postgres/managed-postgres.ts → adapters/system/pid-file-lock.ts',
  'adapters/persistence/managed-postgres/server-process.ts → adapters/system/pid-file-lock.ts',
  'adapters/persistence/pglite-import/open-pglite-source.ts → adapters/system/pid-file-lock.ts',
  'adapters/persistence/postgres/notify/commit-notices.ts → adapters/events/pod-event-stream.ts',
  'adapters/persistence/postgres/kysely-unit-of-work.ts → adapters/events/pod-event-stream.ts',
  'adapters/persistence/postgres/notify/postgres-event-listener.ts → adapters/events/pod-event-stream.ts',
  'adapters/persistence/postgres/sql-store.ts → adapters/events/pod-event-stream.ts',
  'adapters/profiles/json-file-profile-catalog.ts → adapters/system/pid-file-lock.ts',
];

/**
 * Circles through `import type` only (nothing runs them): a colon command's type names the
 * session it runs against, and the session lists its commands for `:help` and Tab.
 */
export const KNOWN_TYPE_CIRCLES: readonly (readonly string[])[] = [['adapters/tui/colon-command.ts', 'adapters/tui/tui-session.ts']];
