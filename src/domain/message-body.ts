import type { Brand } from './brand.js';
import { err, ok, type Result } from './result.js';

/** Text that may reach a model: non-blank and at most 64 KiB of UTF-8. Never truncated. */
export type MessageBody = Brand<string, 'MessageBody'>;

export const MESSAGE_BODY_LIMIT_BYTES = 64 * 1024;

export type InvalidMessageBody =
  | { readonly type: 'EmptyMessage' }
  | { readonly type: 'MessageTooLarge'; readonly bytes: number; readonly limit: number };

export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export const MessageBody = {
  parse(raw: string): Result<MessageBody, InvalidMessageBody> {
    if (raw.trim() === '') return err({ type: 'EmptyMessage' });
    // Cheap upper bound first: a UTF-8 string is at most 3 bytes per UTF-16 code unit.
    if (raw.length * 3 > MESSAGE_BODY_LIMIT_BYTES) {
      const bytes = utf8Length(raw);
      if (bytes > MESSAGE_BODY_LIMIT_BYTES) {
        return err({ type: 'MessageTooLarge', bytes, limit: MESSAGE_BODY_LIMIT_BYTES });
      }
    }
    return ok(raw as MessageBody);
  },
  unsafe(raw: string): MessageBody {
    return raw as MessageBody;
  },
  describe(error: InvalidMessageBody): string {
    return error.type === 'EmptyMessage'
      ? 'must not be empty'
      : `is ${error.bytes} bytes; the limit is ${error.limit} bytes (64 KiB) and nothing was sent`;
  },
};
