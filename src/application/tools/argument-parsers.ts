import { describeRefusal, type AuthorityRefusal } from '../../domain/authority.js';
import { MessageBody } from '../../domain/message-body.js';
import { PodName } from '../../domain/pod-name.js';
import { err, ok, type Result } from '../../domain/result.js';
import { invalidArgument, type ToolResult } from './tool-result.js';

/** Domain parsers for tool fields; a failure names the field, as schema failures do. */
export function podNameField(tool: string, field: string, raw: string): Result<PodName, ToolResult> {
  const parsed = PodName.parse(raw);
  return parsed.ok ? parsed : err(invalidArgument(`${tool}.${field}: ${PodName.describe(parsed.error)}`));
}

export function bodyField(tool: string, field: string, raw: string): Result<MessageBody, ToolResult> {
  const parsed = MessageBody.parse(raw);
  return parsed.ok ? ok(parsed.value) : err(invalidArgument(`${tool}.${field} ${MessageBody.describe(parsed.error)}`));
}

export const refused = (refusal: AuthorityRefusal): ToolResult => invalidArgument(describeRefusal(refusal));
