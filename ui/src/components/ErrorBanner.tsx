import { useApp } from "../store";

export function ErrorBanner() {
  const error = useApp((s) => s.error);
  const setError = useApp((s) => s.setError);
  if (!error) return null;
  return (
    <div className="error-banner" role="alert">
      <span data-testid="error">{error}</span>
      <button className="icon" aria-label="Dismiss" data-testid="error-dismiss" onClick={() => setError(null)}>
        ×
      </button>
    </div>
  );
}
