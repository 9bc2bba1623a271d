// "Import…": choose what kind of file, pick it, read the core's import report (what was
// taken over, inferred, not taken over, and what needs a person), then choose where the
// new project file goes. The model opens only after the report has been seen. With a
// document open, a newer OpenAPI specification can instead be merged into it (the core
// keeps what an earlier import made, adds what is new, reports what is gone).
import { useState } from "react";
import { api } from "../api";
import { attempt } from "../actions";
import type { DocumentView } from "../bindings/DocumentView";
import type { ImportKind } from "../bindings/ImportKind";
import type { ImportReport } from "../bindings/ImportReport";
import type { Merged } from "../bindings/Merged";
import type { NoteKind } from "../bindings/NoteKind";
import { Modal } from "./Modal";

export const IMPORT_KINDS: { kind: ImportKind; label: string; hint: string }[] = [
  { kind: "openapi", label: "OpenAPI specification", hint: "3.0 or 3.1, YAML or JSON" },
  { kind: "tm7", label: "Microsoft Threat Modeling Tool", hint: ".tm7" },
  { kind: "threat-dragon", label: "OWASP Threat Dragon", hint: "v2 JSON" },
  { kind: "threagile", label: "Threagile", hint: "YAML" },
];

const NOTE_ORDER: { kind: NoteKind; title: string }[] = [
  { kind: "needs-review", title: "Needs a person" },
  { kind: "inferred", title: "Inferred (suggested, please confirm)" },
  { kind: "unsupported", title: "Not taken over" },
  { kind: "mapped", title: "Taken over" },
];

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

interface Props {
  onClose: () => void;
  onOpened: (v: DocumentView) => void;
  /** Given when a document is open: merging an OpenAPI specification into it is offered. */
  onMerged?: (m: Merged) => void;
}

export function ImportDialog({ onClose, onOpened, onMerged }: Props) {
  const [picked, setPicked] = useState<{ kind: ImportKind; path: string; report: ImportReport; merged?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const choose = async (kind: ImportKind) => {
    setBusy(true);
    try {
      const path = await attempt(() => api.choosePath({ import: kind }, ""));
      if (!path) return;
      const report = await attempt(() => api.importPreview(kind, path));
      if (report) setPicked({ kind, path, report });
    } finally {
      setBusy(false);
    }
  };

  const create = async () => {
    if (!picked) return;
    setBusy(true);
    try {
      const suggested = baseName(picked.path).replace(/\.[^.]+$/, "") + ".twdb";
      const into = await attempt(() => api.choosePath("new-project", suggested));
      if (!into) return;
      const view = await attempt(() => api.importOpen(picked.kind, picked.path, into));
      if (view) onOpened(view);
    } finally {
      setBusy(false);
    }
  };

  const merge = async () => {
    if (!picked || !onMerged) return;
    setBusy(true);
    try {
      const m = await attempt(() => api.importMerge(picked.path));
      if (!m) return;
      onMerged(m);
      setPicked({ ...picked, report: m.report, merged: m.outcome.message });
    } finally {
      setBusy(false);
    }
  };

  if (!picked) {
    return (
      <Modal title="Import" testId="import-dialog" onClose={onClose}>
        <p>What do you bring in?</p>
        <ul className="plain">
          {IMPORT_KINDS.map((k) => (
            <li key={k.kind}>
              <button className="link-card" data-testid={`import-${k.kind}`} disabled={busy} onClick={() => choose(k.kind)}>
                <strong>{k.label}</strong>
                <span className="muted">{k.hint}</span>
              </button>
            </li>
          ))}
        </ul>
      </Modal>
    );
  }

  const r = picked.report;
  const counts = Object.entries(r.counts).map(([k, n]) => `${n} ${k}`);
  return (
    <Modal
      title={`Import ${baseName(picked.path)}`}
      testId="import-report"
      onClose={onClose}
      wide
      footer={
        picked.merged !== undefined ? (
          <button className="primary" data-testid="import-done" onClick={onClose}>
            Close
          </button>
        ) : (
          <>
            <button onClick={() => setPicked(null)} disabled={busy}>
              Back
            </button>
            {onMerged && picked.kind === "openapi" && (
              <button data-testid="import-merge" disabled={busy} onClick={merge} title="Keeps what an earlier import of this specification made, adds what is new">
                Merge into this model
              </button>
            )}
            <button className="primary" data-testid="import-create" disabled={busy} onClick={create}>
              Create project…
            </button>
          </>
        )
      }
    >
      {picked.merged !== undefined ? (
        <p data-testid="import-merged">Merged: {picked.merged}. Undo takes the whole merge back.</p>
      ) : (
        <p data-testid="import-counts">
          Makes {counts.length ? counts.join(", ") : "nothing"}. Diagrams without positions are laid out automatically.
        </p>
      )}
      {NOTE_ORDER.map(({ kind, title }) => {
        const notes = r.notes.filter((n) => n.kind === kind);
        if (!notes.length) return null;
        return (
          <section key={kind} className={`import-notes notes-${kind}`}>
            <h4>
              {title} ({notes.length})
            </h4>
            <ul>
              {notes.map((n, i) => (
                <li key={i} data-testid="import-note" data-kind={kind}>
                  {n.item && <code>{n.item}</code>} {n.message}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </Modal>
  );
}
