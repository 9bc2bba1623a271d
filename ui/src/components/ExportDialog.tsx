import { useState } from "react";
import { api } from "../api";
import { attempt } from "../actions";
import type { Format } from "../bindings/Format";
import type { RiskLevel } from "../bindings/RiskLevel";
import type { Section } from "../bindings/Section";
import { FORMAT, keysOf, SECTION, SEVERITY, SEVERITY_ORDER } from "../labels";
import { useDoc, useDocStore } from "../store";
import { Modal } from "./Modal";

export function ExportDialog({ onClose }: { onClose: () => void }) {
  const doc = useDocStore();
  const name = useDoc((s) => s.view.name);
  const [format, setFormat] = useState<Format>("pdf");
  const [title, setTitle] = useState("");
  const [organisation, setOrganisation] = useState("");
  const [confidentiality, setConfidentiality] = useState("");
  const [omit, setOmit] = useState<Section[]>([]);
  const [minSeverity, setMinSeverity] = useState<RiskLevel | "">("");
  const [busy, setBusy] = useState(false);
  const blank = (s: string) => (s.trim() ? s.trim() : null);
  const fileBase = name.trim() || "threat-model";

  const exportReport = async () => {
    setBusy(true);
    try {
      const path = await attempt(() => api.choosePath({ report: format }, `${fileBase}.${FORMAT[format].ext}`));
      if (!path) return;
      const warnings = await attempt(() =>
        api.exportReport(path, {
          format,
          title: blank(title),
          organisation: blank(organisation),
          confidentiality: blank(confidentiality),
          omit,
          minSeverity: minSeverity || null,
        }),
      );
      if (warnings === undefined) return;
      doc.getState().setMessage(`Exported to ${path}${warnings.length ? ` · warnings: ${warnings.join("; ")}` : ""}`);
      onClose();
    } finally {
      setBusy(false);
    }
  };

  const exportYaml = async () => {
    setBusy(true);
    try {
      const path = await attempt(() => api.choosePath("yaml", `${fileBase}.yaml`));
      if (!path) return;
      const ok = await attempt(async () => (await api.exportYaml(path), true));
      if (!ok) return;
      doc.getState().setMessage(`Saved the model as YAML to ${path}`);
      onClose();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title="Export"
      testId="export-dialog"
      onClose={onClose}
      wide
      footer={
        <>
          <button data-testid="export-yaml" disabled={busy} onClick={exportYaml}>
            Save model as YAML…
          </button>
          <span className="spacer" />
          <button onClick={onClose} data-testid="dialog-cancel">
            Cancel
          </button>
          <button className="primary" data-testid="export-go" disabled={busy} onClick={exportReport}>
            Export…
          </button>
        </>
      }
    >
      <div className="row">
        <label className="field">
          <span>Format</span>
          <select id="export-format" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            {keysOf(FORMAT).map((f) => (
              <option key={f} value={f}>
                {FORMAT[f].label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Minimum severity</span>
          <select id="export-min-severity" value={minSeverity} onChange={(e) => setMinSeverity(e.target.value as RiskLevel | "")}>
            <option value="">all</option>
            {[...SEVERITY_ORDER].reverse().map((s) => (
              <option key={s} value={s}>
                {SEVERITY[s]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="field">
        <span>Title</span>
        <input id="export-title" value={title} placeholder={name} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <div className="row">
        <label className="field">
          <span>Organisation</span>
          <input id="export-organisation" value={organisation} onChange={(e) => setOrganisation(e.target.value)} />
        </label>
        <label className="field">
          <span>Confidentiality label</span>
          <input id="export-confidentiality" value={confidentiality} placeholder="e.g. Internal" onChange={(e) => setConfidentiality(e.target.value)} />
        </label>
      </div>
      <fieldset className="field set sections">
        <legend>Sections</legend>
        {keysOf(SECTION).map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              data-testid={`section-${s}`}
              checked={!omit.includes(s)}
              onChange={(e) => setOmit(e.target.checked ? omit.filter((x) => x !== s) : [...omit, s])}
            />
            {SECTION[s]}
          </label>
        ))}
      </fieldset>
    </Modal>
  );
}
