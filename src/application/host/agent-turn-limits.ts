/** What one turn keeps of an agent's updates: memory and history stay bounded whatever it sends, and every cut is shown. */
export const AGENT_TURN_LIMITS = {
  /** An assistant message is committed once its text reaches this many characters; the rest becomes the next one. */
  textChars: 64 * 1024,
  /** Text waiting to be committed, in all; past it, text is left out (and the turn's last notice says how much). */
  pendingTextChars: 1024 * 1024,
  /** Text one turn commits; past it, text is left out the same way, so a runaway agent cannot fill history. */
  turnTextChars: 4 * 1024 * 1024,
  /** Tool calls one turn records; later ones are counted, not recorded. */
  toolCalls: 1_000,
  /** A tool call's input (as JSON) and output kept in its entries. */
  inputChars: 16 * 1024,
  outputChars: 8 * 1024,
  titleChars: 200,
} as const;

export const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max)}…` : text);

export function boundedInput(input: unknown): unknown {
  if (input === undefined) return null;
  const json = JSON.stringify(input) ?? 'null';
  return json.length <= AGENT_TURN_LIMITS.inputChars ? input : { cut: `${json.slice(0, AGENT_TURN_LIMITS.inputChars)}…`, totalChars: json.length };
}

export function boundedOutput(output: string | undefined): { readonly output?: string; readonly cutBytes?: number } {
  if (output === undefined) return {};
  if (output.length <= AGENT_TURN_LIMITS.outputChars) return { output };
  const kept = output.slice(0, AGENT_TURN_LIMITS.outputChars);
  return { output: kept, cutBytes: Buffer.byteLength(output) - Buffer.byteLength(kept) };
}
