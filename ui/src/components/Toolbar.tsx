import { useReactFlow } from "@xyflow/react";
import { api } from "../api";
import { applyAnswer, attempt, doEdit, perform, showError, startCompare } from "../actions";
import { useApp, useDoc, useDocStore } from "../store";
import { useState } from "react";
import { ImportDialog } from "./ImportDialog";

interface ToolbarProps {
  onExport: () => void;
  onSignModel: () => void;
  onClose: () => void;
}

export function Toolbar({ onExport, onSignModel, onClose }: ToolbarProps) {
  const doc = useDocStore();
  const view = useDoc((s) => s.view);
  const { fitView } = useReactFlow();
  const presentation = useApp((s) => s.presentation);
  const theme = useApp((s) => s.theme);
  const { toggleTheme, togglePresentation, setShortcuts } = useApp.getState();
  const b = view.baseline;
  const [importing, setImporting] = useState(false);

  return (
    <header className="toolbar" role="toolbar" aria-label="Editor">
      <strong className="doc-name" title={view.path}>
        {view.name}
      </strong>
      <div className="group hide-in-presentation">
        <button data-testid="undo" disabled={view.undo === null} title={view.undo ? `Undo ${view.undo} (Ctrl+Z)` : "Nothing to undo"} onClick={() => perform(doc, api.undo)}>
          ↶ Undo
        </button>
        <button data-testid="redo" disabled={view.redo === null} title={view.redo ? `Redo ${view.redo} (Ctrl+Shift+Z)` : "Nothing to redo"} onClick={() => perform(doc, api.redo)}>
          ↷ Redo
        </button>
      </div>
      <div className="group hide-in-presentation">
        <button data-testid="auto-layout" title="Lay the diagram out automatically" onClick={() => doEdit(doc, { type: "auto-layout" })}>
          Auto layout
        </button>
        <button data-testid="zoom-fit" title="Zoom to fit" onClick={() => fitView({ padding: 0.1, duration: 200 })}>
          Fit
        </button>
      </div>
      <div className="group hide-in-presentation">
        <button data-testid="toolbar-import" title="Import an OpenAPI specification or another tool's model as a new project" onClick={() => setImporting(true)}>
          Import…
        </button>
        <button data-testid="export-open" onClick={onExport}>
          Export…
        </button>
        <button data-testid="sign-model" title="Sign off this model version (a new baseline)" onClick={onSignModel}>
          Sign off model
        </button>
        <span
          className="baseline"
          data-testid="baseline"
          title={b ? `Baseline #${b.id}, signed off by ${b.reviewer} at ${b.at}${b.note ? ` — ${b.note}` : ""}` : undefined}
        >
          {/* Short, so the toolbar stays one row at 1280 px; who and when in full on hover. */}
          {b ? `Baseline #${b.id} · ${b.at.slice(0, 10)}` : "No baseline"}
        </span>
      </div>
      <div className="group hide-in-presentation" role="group" aria-label="Compare">
        <span className="muted">Compare:</span>
        <button
          data-testid="compare-baseline"
          disabled={!b}
          title={b ? "Colour what changed since the baseline and list the threat changes" : "No baseline yet: sign the model off first"}
          onClick={() => startCompare(doc, { type: "baseline" })}
        >
          Baseline
        </button>
        <button
          data-testid="compare-file"
          title="Compare with a model YAML or another project file"
          onClick={async () => {
            const path = await attempt(() => api.choosePath("compare", ""));
            if (path) startCompare(doc, { type: "file", path });
          }}
        >
          File…
        </button>
      </div>
      <div className="spacer" />
      <div className="group">
        <button data-testid="theme-toggle" title="Light or dark theme" onClick={toggleTheme}>
          {theme === "light" ? "Dark" : "Light"}
        </button>
        <button data-testid="presentation-toggle" aria-pressed={presentation} onClick={togglePresentation}>
          {presentation ? "Exit presentation" : "Present"}
        </button>
        <button data-testid="help" title="Keyboard shortcuts (?)" onClick={() => setShortcuts(true)}>
          ?
        </button>
        <button data-testid="close-document" className="hide-in-presentation" onClick={onClose}>
          Close
        </button>
      </div>
      {importing && (
        <ImportDialog
          onClose={() => setImporting(false)}
          onOpened={(v) => {
            setImporting(false);
            useApp.getState().openDocument(v);
          }}
          onMerged={(m) => applyAnswer(doc, m.outcome).catch(showError)}
        />
      )}
    </header>
  );
}
