// Typed wrappers around the Tauri commands. The UI holds no domain logic: every answer
// comes from the Rust core, and every failure is its `Failure` ({code, message}).
import { invoke as tauriInvoke } from "@tauri-apps/api/core";
import type { Action } from "./bindings/Action";
import type { AppInfo } from "./bindings/AppInfo";
import type { Clipboard } from "./bindings/Clipboard";
import type { CompareView } from "./bindings/CompareView";
import type { CompareWith } from "./bindings/CompareWith";
import type { DocumentView } from "./bindings/DocumentView";
import type { Edit } from "./bindings/Edit";
import type { ImportKind } from "./bindings/ImportKind";
import type { ImportReport } from "./bindings/ImportReport";
import type { ExportOptions } from "./bindings/ExportOptions";
import type { Failure } from "./bindings/Failure";
import type { Merged } from "./bindings/Merged";
import type { Outcome } from "./bindings/Outcome";
import type { PathPurpose } from "./bindings/PathPurpose";
import type { ThreatRow } from "./bindings/ThreatRow";
import type { Vocabulary } from "./bindings/Vocabulary";

/** How long the latest answer of each command took (core + IPC), for the performance E2E. */
export const timings: Record<string, number> = {};
(globalThis as { __twTimings?: Record<string, number> }).__twTimings = timings;

async function invoke<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  const started = performance.now();
  try {
    return await tauriInvoke<T>(cmd, args);
  } finally {
    timings[cmd] = Math.round(performance.now() - started);
  }
}

export const api = {
  appInfo: () => invoke<AppInfo>("app_info"),
  choosePath: (purpose: PathPurpose, suggested: string) =>
    invoke<string | null>("choose_path", { purpose, suggested }),
  newModel: (path: string, name: string) => invoke<DocumentView>("new_model", { path, name }),
  openExample: (name: string, path: string) => invoke<DocumentView>("open_example", { name, path }),
  openFile: (path: string, into: string | null) => invoke<DocumentView>("open_file", { path, into }),
  closeDocument: () => invoke<void>("close_document"),
  getView: () => invoke<DocumentView>("get_view"),
  edit: (edit: Edit) => invoke<Outcome>("edit", { edit }),
  act: (action: Action) => invoke<Outcome>("act", { action }),
  undo: () => invoke<Outcome>("undo"),
  redo: () => invoke<Outcome>("redo"),
  previewDelete: (keys: string[]) => invoke<ThreatRow[]>("preview_delete", { keys }),
  copy: (keys: string[]) => invoke<Clipboard>("copy", { keys }),
  vocabulary: () => invoke<Vocabulary>("vocabulary"),
  exportReport: (path: string, options: ExportOptions) => invoke<string[]>("export_report", { path, options }),
  exportYaml: (path: string) => invoke<void>("export_yaml", { path }),
  compare: (w: CompareWith) => invoke<CompareView>("compare", { with: w }),
  importPreview: (kind: ImportKind, path: string) => invoke<ImportReport>("import_preview", { kind, path }),
  importOpen: (kind: ImportKind, path: string, into: string) => invoke<DocumentView>("import_open", { kind, path, into }),
  importMerge: (path: string) => invoke<Merged>("import_merge", { path }),
};

function isFailure(e: unknown): e is Failure {
  return typeof e === "object" && e !== null && "message" in e && typeof (e as Failure).message === "string";
}

/** The text to show for anything a command rejected with. */
export function failureMessage(e: unknown): string {
  if (isFailure(e)) return e.message;
  if (e instanceof Error) return e.message;
  if (typeof e === "string") return e;
  return String(e);
}
