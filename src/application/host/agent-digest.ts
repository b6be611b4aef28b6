import type { HistoryEntry } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import { digestComplete, historyDigest } from './agent-prompt.js';
import { TAIL_PAGE } from './read-history-tail.js';

/** From the turn's copy when it holds enough, else read backwards from the store (ADR 0020). */
export async function agentDigest(uow: UnitOfWork, pod: PodName, history: readonly HistoryEntry[], before: number): Promise<string> {
  if ((history[0]?.seq ?? 1) <= 1 || digestComplete(history, before)) return historyDigest(history, before);
  let entries: readonly HistoryEntry[] = [];
  for (;;) {
    const page = await uow.run((repos) => repos.history.read(pod, { before: entries[0]?.seq ?? before, limit: TAIL_PAGE }));
    entries = [...page, ...entries];
    if (page.length < TAIL_PAGE || digestComplete(entries, before)) return historyDigest(entries, before);
  }
}
