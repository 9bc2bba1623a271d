// Sending commands: every answer goes to the document store, every failure to the banner.
import { api, failureMessage, timings } from "./api";
import type { Action } from "./bindings/Action";
import type { CompareWith } from "./bindings/CompareWith";
import type { Edit } from "./bindings/Edit";
import type { Outcome } from "./bindings/Outcome";
import { useApp, type DocumentStore } from "./store";

export function showError(e: unknown) {
  useApp.getState().setError(failureMessage(e));
}

/** Takes an answer into the document; changes that do not fit the view held (an answer
 * missed) make it take the whole view instead. */
export async function applyAnswer(doc: DocumentStore, o: Outcome): Promise<void> {
  if (doc.getState().applyOutcome(o) === "needs-view") doc.getState().applyView(await api.getView());
}

/** Runs a command that answers with an Outcome; true when it succeeded. */
export async function perform(doc: DocumentStore, call: () => Promise<Outcome>): Promise<boolean> {
  const started = performance.now();
  try {
    const answer = await call();
    const answered = performance.now();
    // The core's own part of the round trip (store, re-analysis, view), as it measured it.
    timings.answerCore = answer.coreMs;
    await applyAnswer(doc, answer);
    useApp.getState().setError(null);
    timings.answerApplied = Math.round(performance.now() - answered);
    // From the request to the answer drawn (the frame after React committed it): what the
    // performance E2E reports as an action's latency in the app.
    requestAnimationFrame(() => {
      timings.answerFirstFrame = Math.round(performance.now() - started);
      requestAnimationFrame(() => (timings.answerDrawn = Math.round(performance.now() - started)));
    });
    return true;
  } catch (e) {
    showError(e);
    return false;
  }
}

export const doEdit = (doc: DocumentStore, edit: Edit) => perform(doc, () => api.edit(edit));
export const doAct = (doc: DocumentStore, action: Action) => perform(doc, () => api.act(action));

/** Runs any other command, showing its failure; undefined when it failed. */
export async function attempt<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (e) {
    showError(e);
    return undefined;
  }
}

/** Compares the open document with its baseline or a file; shows the comparison tab. */
export async function startCompare(doc: DocumentStore, w: CompareWith): Promise<void> {
  const c = await attempt(() => api.compare(w));
  if (!c) return;
  doc.getState().setCompare(c, w);
  doc.getState().setTab("compare");
  useApp.getState().togglePanel(false);
}

/** Compares again after the document changed (the comparison follows the edits). */
export async function refreshCompare(doc: DocumentStore): Promise<void> {
  const w = doc.getState().compareWith;
  if (!w) return;
  const c = await attempt(() => api.compare(w));
  if (c && doc.getState().compareWith === w) doc.getState().setCompare(c, w);
}
