import { useDoc, useDocStore } from "../store";

export function DiagnosticsTab() {
  const doc = useDocStore();
  const diagnostics = useDoc((s) => s.view.diagnostics);
  if (!diagnostics.length) return <p className="muted pad">The model validates: no diagnostics.</p>;
  return (
    <ul className="diagnostics plain">
      {diagnostics.map((d, i) => (
        <li key={i}>
          <button
            className={d.error ? "diagnostic error" : "diagnostic warning"}
            data-testid="diagnostic"
            disabled={!d.key}
            onClick={() => d.key && doc.getState().setSelection([d.key])}
          >
            <span className="diag-level">{d.error ? "error" : "warning"}</span>
            <code>{d.code}</code> {d.message}
            {d.key && <span className="muted"> · {d.key}</span>}
          </button>
        </li>
      ))}
    </ul>
  );
}
