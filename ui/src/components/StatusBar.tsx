import { useDoc } from "../store";

export function StatusBar() {
  const message = useDoc((s) => s.message);
  const view = useDoc((s) => s.view);
  const live = view.threats.filter((t) => t.status !== "obsolete").length;
  const errors = view.diagnostics.filter((d) => d.error).length;
  return (
    <footer className="status-bar">
      <span data-testid="status-message" className="status-message">
        {message}
      </span>
      <span className="spacer" />
      <span className="muted">
        {live} live threats · {errors} errors · {view.user}
        {view.rulesVersion ? ` · rules ${view.rulesVersion}` : ""} · rev {view.revision}
      </span>
    </footer>
  );
}
