import type { HistoryEntryBody } from '../../domain/history-entry.js';
import type { AcpProfile } from '../../domain/profile.js';
import { maskedValue, redactSecrets, redactSecretsIn } from '../../domain/secret-mask.js';

/** The values an agent holds that history must never show: its profile's secret-looking env values and what it is passed from the host. */
export function agentSecrets(profile: AcpProfile, hostEnv: Readonly<Record<string, string | undefined>>): readonly string[] {
  const own = Object.entries(profile.env).flatMap(([name, value]) => (maskedValue(name, value) === value ? [] : [value]));
  const passed = profile.passEnv.flatMap((name) => hostEnv[name] ?? []);
  return [...own, ...passed];
}

export function withoutSecrets(body: HistoryEntryBody, secrets: readonly string[]): HistoryEntryBody {
  const clean = (text: string): string => redactSecrets(text, secrets);
  switch (body.kind) {
    case 'assistant_message':
      return { ...body, text: clean(body.text) };
    case 'tool_call':
      return { ...body, tool: clean(body.tool), input: redactSecretsIn(body.input ?? null, secrets) };
    case 'tool_result':
      return { ...body, tool: clean(body.tool), summary: clean(body.summary), ...(body.agent?.output !== undefined ? { agent: { ...body.agent, output: clean(body.agent.output) } } : {}) };
    case 'permission':
      return { ...body, title: clean(body.title) };
    case 'notice':
      return { ...body, text: clean(body.text) };
    default:
      return body;
  }
}
