import { useState, type KeyboardEvent, type PointerEvent } from "react";
import { doAct } from "../actions";
import { useApp, useDoc, useDocStore, type Tab } from "../store";
import { CompareTab } from "./CompareTab";
import { DataTab } from "./DataTab";
import { DiagnosticsTab } from "./DiagnosticsTab";
import { MitigationsTab } from "./MitigationsTab";
import { QuestionsTab } from "./QuestionsTab";
import { Register } from "./Register";
import { StatusDialog, type StatusRequest } from "./StatusDialog";
import { ThreatDetail } from "./ThreatDetail";

export function BottomPanel() {
  const doc = useDocStore();
  const tab = useDoc((s) => s.tab);
  const view = useDoc((s) => s.view);
  const checked = useDoc((s) => s.checked);
  const [status, setStatus] = useState<StatusRequest | null>(null);
  const errors = view.diagnostics.filter((d) => d.error).length;
  const height = useApp((s) => s.panelHeight);
  const collapsed = useApp((s) => s.panelCollapsed);
  const { setPanelHeight, togglePanel } = useApp.getState();
  const show = (t: Tab) => {
    doc.getState().setTab(t);
    togglePanel(false);
  };

  const tabs: { id: Tab; label: string }[] = [
    { id: "threats", label: `Threats (${view.threats.length})` },
    { id: "questions", label: `Questions (${view.questions.length})` },
    { id: "mitigations", label: `Mitigations (${view.mitigations.length})` },
    { id: "diagnostics", label: `Diagnostics (${view.diagnostics.length}${errors ? `, ${errors} errors` : ""})` },
    { id: "data", label: `Data & APIs (${view.assets.length + view.apis.length})` },
  ];
  const compare = useDoc((s) => s.compare);
  if (compare) tabs.push({ id: "compare", label: `Compare (${compare.entries.length})` });

  return (
    <section
      className={collapsed ? "bottom-panel collapsed" : "bottom-panel"}
      data-testid="bottom-panel"
      style={collapsed ? undefined : { height: Math.min(height, Math.max(MIN_PANEL, window.innerHeight - MIN_CANVAS)) }}
    >
      {!collapsed && <Splitter height={height} onResize={setPanelHeight} />}
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? "tab active" : "tab"}
            data-testid={`tab-${t.id}`}
            onClick={() => show(t.id)}
          >
            {t.label}
          </button>
        ))}
        <span className="spacer" />
        {checked.length > 0 && (
          <span className="bulk">
            <span className="muted">{checked.length} checked</span>
            <button
              data-testid="mitigate-selected"
              onClick={() => {
                doc.getState().setTab("mitigations");
                setTimeout(() => document.getElementById("mitigation-title")?.focus(), 0);
              }}
            >
              Add mitigation for selected
            </button>
            <button data-testid="adopt-selected" onClick={() => doAct(doc, { type: "adopt", threats: checked })}>
              Adopt suggested
            </button>
            <button data-testid="uncheck-all" onClick={() => doc.getState().setChecked([])}>
              Uncheck
            </button>
          </span>
        )}
        <button
          className="icon panel-toggle"
          data-testid="panel-toggle"
          aria-expanded={!collapsed}
          title={collapsed ? "Show the panel" : "Hide the panel (more room for the diagram)"}
          onClick={() => togglePanel()}
        >
          {collapsed ? "▴" : "▾"}
        </button>
      </div>
      <div className="tab-body" hidden={collapsed}>
        {tab === "threats" && (
          <div className="threats-tab">
            <Register onStatus={setStatus} />
            <ThreatDetail onStatus={setStatus} />
          </div>
        )}
        {tab === "questions" && <QuestionsTab />}
        {tab === "mitigations" && <MitigationsTab />}
        {tab === "diagnostics" && <DiagnosticsTab />}
        {tab === "data" && <DataTab />}
        {tab === "compare" && <CompareTab />}
      </div>
      {status && <StatusDialog request={status} onClose={() => setStatus(null)} />}
    </section>
  );
}

const MIN_PANEL = 120;
/** The canvas keeps at least this much of the window. */
const MIN_CANVAS = 220;

function clampHeight(h: number): number {
  return Math.round(Math.max(MIN_PANEL, Math.min(h, window.innerHeight - MIN_CANVAS)));
}

/** The bar above the panel: drag it (or use the arrow keys) to share the height with the canvas. */
function Splitter({ height, onResize }: { height: number; onResize: (h: number) => void }) {
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const startY = e.clientY;
    const start = height;
    const move = (m: globalThis.PointerEvent) => onResize(clampHeight(start + startY - m.clientY));
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const step = e.shiftKey ? 80 : 20;
    if (e.key === "ArrowUp") onResize(clampHeight(height + step));
    else if (e.key === "ArrowDown") onResize(clampHeight(height - step));
    else return;
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <div
      className="panel-splitter"
      data-testid="panel-resize"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the panel"
      aria-valuenow={height}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
    />
  );
}
