import { useEffect, useState } from "react";
import { api } from "../api";
import { attempt } from "../actions";
import type { AppInfo } from "../bindings/AppInfo";
import type { DocumentView } from "../bindings/DocumentView";
import { useApp } from "../store";
import { ImportDialog } from "./ImportDialog";
import { PromptDialog } from "./Modal";

const isYaml = (p: string) => /\.ya?ml$/i.test(p);
const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

export function StartScreen() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [importing, setImporting] = useState(false);
  const openDocument = useApp((s) => s.openDocument);

  useEffect(() => {
    attempt(api.appInfo).then((i) => i && setInfo(i));
    // A file named on the command line is already open in the shell: show it.
    api.getView().then(openDocument, () => undefined);
  }, [openDocument]);

  const open = async (load: () => Promise<DocumentView | undefined>) => {
    setBusy(true);
    try {
      const view = await load();
      if (view) openDocument(view);
    } finally {
      setBusy(false);
    }
  };

  const newModel = (name: string) => {
    setAsking(false);
    open(async () => {
      const path = await attempt(() => api.choosePath("new-project", `${name.trim()}.twdb`));
      if (!path) return undefined;
      return attempt(() => api.newModel(path, name.trim()));
    });
  };

  const openFile = () =>
    open(async () => {
      const path = await attempt(() => api.choosePath("open", ""));
      if (!path) return undefined;
      let into: string | null = null;
      if (isYaml(path)) {
        // A model YAML is imported into a new project file.
        into = (await attempt(() => api.choosePath("new-project", baseName(path).replace(/\.ya?ml$/i, ".twdb")))) ?? null;
        if (!into) return undefined;
      }
      return attempt(() => api.openFile(path, into));
    });

  const openExample = (name: string) =>
    open(async () => {
      const path = await attempt(() => api.choosePath("new-project", `${name}.twdb`));
      if (!path) return undefined;
      return attempt(() => api.openExample(name, path));
    });

  const openRecent = (path: string) => open(() => attempt(() => api.openFile(path, null)));

  return (
    <main className="start-screen" data-testid="start-screen">
      <header>
        <h1>Threatwright</h1>
        <p className="muted">
          Dataflow diagrams and a STRIDE threat register · version <span data-testid="version">{info?.version ?? "…"}</span>
        </p>
      </header>
      {info?.startup_problem && (
        <p className="startup-problem" role="alert" data-testid="startup-problem">
          {info.startup_problem}
        </p>
      )}
      <section className="start-actions">
        <button className="primary" data-testid="new-model" disabled={busy} onClick={() => setAsking(true)}>
          New model…
        </button>
        <button data-testid="open-file" disabled={busy} onClick={openFile}>
          Open…
        </button>
        <button data-testid="import-open" disabled={busy} onClick={() => setImporting(true)} title="OpenAPI, Microsoft TMT, Threat Dragon, Threagile">
          Import…
        </button>
      </section>
      <div className="start-columns">
        <section>
          <h2>Examples</h2>
          <ul className="plain">
            {info?.examples.map((e) => (
              <li key={e.name}>
                <button className="link-card" data-testid={`example-${e.name}`} disabled={busy} onClick={() => openExample(e.name)}>
                  <strong>{e.name}</strong>
                  <span className="muted">{e.title}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
        <section>
          <h2>Recent</h2>
          {info && info.recent.length === 0 && <p className="muted">No recent files.</p>}
          <ul className="plain">
            {info?.recent.map((p) => (
              <li key={p}>
                <button className="link-card" data-testid="recent-item" title={p} disabled={busy} onClick={() => openRecent(p)}>
                  <strong>{baseName(p)}</strong>
                  <span className="muted">{p}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      </div>
      {importing && (
        <ImportDialog
          onClose={() => setImporting(false)}
          onOpened={(v) => {
            setImporting(false);
            openDocument(v);
          }}
        />
      )}
      {asking && (
        <PromptDialog title="New model" label="Name of the system" confirm="Create…" onConfirm={newModel} onClose={() => setAsking(false)} />
      )}
    </main>
  );
}
