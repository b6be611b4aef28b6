import type { HistoryEntry, HistoryEntryBody } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { watermark } from '../../domain/turn-trigger.js';
import { contextTrim, requestWindow, trimNotice } from '../model-context.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import type { KnownHistory } from './known-history.js';

/** Past the budget (ADR 0020) the oldest turns leave, their notice committed first: requests hold committed history only. */
export async function requestHistory(
  pod: PodName,
  budget: number,
  io: { readonly uow: UnitOfWork; readonly known: KnownHistory; readonly append: (pod: PodName, body: HistoryEntryBody) => Promise<unknown> },
): Promise<HistoryEntry[]> {
  const read = () => io.uow.run((repos) => io.known.read(repos, pod, budget));
  let history = await read();
  const trim = contextTrim(requestWindow(history), budget, io.known.windowHead(pod));
  if (trim) {
    await io.append(pod, trimNotice(trim, budget, watermark(history)));
    history = await read();
  }
  const window = requestWindow(history);
  if (window.length < history.length) io.known.dropBefore(pod, window[0]?.seq ?? 0);
  return [...window];
}
