import type { HistoryEntry, HistoryEntryBody } from '../../domain/history-entry.js';
import type { PodName } from '../../domain/pod-name.js';
import { watermark } from '../../domain/turn-trigger.js';
import { contextTrim, requestWindow, trimNotice } from '../model-context.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import type { KnownHistory } from './known-history.js';

/**
 * The entries a model step's request holds: the Pod's history from where its model requests
 * start (the newest `context_trimmed` notice), within the host's context budget (ADR 0020).
 * When they outgrow it, the oldest turns leave, and the notice that says which is committed
 * first, so the request is still made of committed history only. Only what committed since
 * the last read comes from the store (KnownHistory), which forgets what left; a first read
 * that stopped short of the window's start counts the older part in (its head).
 */
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
