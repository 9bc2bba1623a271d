// Sending commands: every answer goes to the document store, every failure to the banner.
import { api, failureMessage } from "./api";
import type { Action } from "./bindings/Action";
import type { Edit } from "./bindings/Edit";
import type { Outcome } from "./bindings/Outcome";
import { useApp, type DocumentStore } from "./store";

export function showError(e: unknown) {
  useApp.getState().setError(failureMessage(e));
}

/** Runs a command that answers with an Outcome; true when it succeeded. */
export async function perform(doc: DocumentStore, call: () => Promise<Outcome>): Promise<boolean> {
  try {
    const o = await call();
    doc.getState().applyOutcome(o);
    useApp.getState().setError(null);
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
