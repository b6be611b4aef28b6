import type { HistoryEntry } from '../../domain/history-entry.js';
import { spokenEntry } from '../presentation/render-entry.js';
import { NO_COLOURS, type Palette } from './palette.js';

/**
 * One committed entry as the TUI shows it, its seq first (for `:explain`): `#4 [peer main] hello`
 * (`spokenEntry`). With a palette, the header is coloured by who speaks; the text never is.
 */
export function renderTuiEntry(entry: HistoryEntry, palette: Palette = NO_COLOURS): string {
  const { tone, header, text } = spokenEntry(entry);
  return `${palette.status(`#${entry.seq}`)} ${palette[tone](header)}${text === '' ? '' : ` ${text}`}`;
}
