import type { HistoryEntry } from '../../domain/history-entry.js';
import { spokenEntry } from '../presentation/render-entry.js';
import { NO_COLOURS, type Palette } from './palette.js';

/** With a palette, the header is coloured by who speaks; the text never is. */
export function renderTuiEntry(entry: HistoryEntry, palette: Palette = NO_COLOURS): string {
  const { tone, header, text } = spokenEntry(entry);
  return `${palette.status(`#${entry.seq}`)} ${palette[tone](header)}${text === '' ? '' : ` ${text}`}`;
}
