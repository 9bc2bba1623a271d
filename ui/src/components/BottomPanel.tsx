import { useState } from "react";
import { doAct } from "../actions";
import { useDoc, useDocStore, type Tab } from "../store";
import { DiagnosticsTab } from "./DiagnosticsTab";
import { MitigationsTab } from "./MitigationsTab";
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

  const tabs: { id: Tab; label: string }[] = [
    { id: "threats", label: `Threats (${view.threats.length})` },
    { id: "mitigations", label: `Mitigations (${view.mitigations.length})` },
    { id: "diagnostics", label: `Diagnostics (${view.diagnostics.length}${errors ? `, ${errors} errors` : ""})` },
  ];

  return (
    <section className="bottom-panel">
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            role="tab"
            aria-selected={tab === t.id}
            className={tab === t.id ? "tab active" : "tab"}
            data-testid={`tab-${t.id}`}
            onClick={() => doc.getState().setTab(t.id)}
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
      </div>
      <div className="tab-body">
        {tab === "threats" && (
          <div className="threats-tab">
            <Register onStatus={setStatus} />
            <ThreatDetail onStatus={setStatus} />
          </div>
        )}
        {tab === "mitigations" && <MitigationsTab />}
        {tab === "diagnostics" && <DiagnosticsTab />}
      </div>
      {status && <StatusDialog request={status} onClose={() => setStatus(null)} />}
    </section>
  );
}
