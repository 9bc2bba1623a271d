import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { attempt, doAct, doEdit, perform } from "../actions";
import type { NodeKind } from "../bindings/NodeKind";
import type { ThreatRow } from "../bindings/ThreatRow";
import { NODE_KIND, SEVERITY, STATUS } from "../labels";
import { useApp, useDoc, useDocStore } from "../store";
import { BottomPanel } from "./BottomPanel";
import { SignWithKey } from "./SignWithKey";
import { Canvas } from "./Canvas";
import { ExportDialog } from "./ExportDialog";
import { Modal, PromptDialog } from "./Modal";
import { Palette } from "./Palette";
import { PropertiesPanel } from "./PropertiesPanel";
import { ShortcutsSheet } from "./ShortcutsSheet";
import { StatusBar } from "./StatusBar";
import { Toolbar } from "./Toolbar";

/** Default half-size of a new node, so that it lands centred where asked. */
const HALF: Record<NodeKind, [number, number]> = {
  "external-entity": [75, 28],
  process: [75, 28],
  "data-store": [75, 28],
  boundary: [180, 120],
};

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function Editor() {
  return (
    <ReactFlowProvider>
      <EditorInner />
    </ReactFlowProvider>
  );
}

interface DeleteRequest {
  keys: string[];
  threats: ThreatRow[];
}

function EditorInner() {
  const doc = useDocStore();
  const view = useDoc((s) => s.view);
  const { screenToFlowPosition } = useReactFlow();
  const shortcuts = useApp((s) => s.shortcuts);
  const [deleting, setDeleting] = useState<DeleteRequest | null>(null);
  const [signing, setSigning] = useState(false);
  const [signingKey, setSigningKey] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);

  const addNode = useCallback(
    (kind: NodeKind, clientX?: number, clientY?: number) => {
      if (clientX === undefined || clientY === undefined) {
        const r = document.querySelector(".canvas")?.getBoundingClientRect();
        clientX = r ? r.left + r.width / 2 : window.innerWidth / 2;
        clientY = r ? r.top + r.height / 2 : window.innerHeight / 2;
      }
      const p = screenToFlowPosition({ x: clientX, y: clientY });
      const [hw, hh] = HALF[kind];
      doEdit(doc, { type: "add-node", kind, name: NODE_KIND[kind], x: Math.round(p.x - hw), y: Math.round(p.y - hh) });
    },
    [doc, screenToFlowPosition],
  );

  const requestDelete = useCallback(async () => {
    const keys = doc.getState().selection;
    if (!keys.length) return;
    const threats = await attempt(() => api.previewDelete(keys));
    if (threats) setDeleting({ keys, threats });
  }, [doc]);

  const copy = useCallback(async () => {
    const keys = doc.getState().selection;
    if (!keys.length) return;
    const c = await attempt(() => api.copy(keys));
    if (c) {
      useApp.getState().setClipboard(c);
      const n = c.externalEntities.length + c.processes.length + c.dataStores.length + c.flows.length;
      doc.getState().setMessage(`copied ${n} items`);
    }
  }, [doc]);

  const paste = useCallback(() => {
    const clipboard = useApp.getState().clipboard;
    if (clipboard) doEdit(doc, { type: "paste", clipboard, dx: 40, dy: 40 });
  }, [doc]);

  const close = useCallback(async () => {
    await attempt(api.closeDocument);
    useApp.getState().closeDocument();
  }, []);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || isTyping(e.target)) return;
      if (document.querySelector(".modal-backdrop")) return;
      const ctrl = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (ctrl && k === "z" && !e.shiftKey) {
        e.preventDefault();
        if (doc.getState().view.undo !== null) perform(doc, api.undo);
      } else if (ctrl && ((k === "z" && e.shiftKey) || k === "y")) {
        e.preventDefault();
        if (doc.getState().view.redo !== null) perform(doc, api.redo);
      } else if (ctrl && k === "c") {
        if (window.getSelection()?.toString()) return;
        e.preventDefault();
        copy();
      } else if (ctrl && k === "v") {
        e.preventDefault();
        paste();
      } else if (e.key === "Delete" || e.key === "Backspace") {
        e.preventDefault();
        requestDelete();
      } else if (e.key === "?") {
        useApp.getState().setShortcuts(true);
      } else if (!ctrl && !e.altKey && !(e.target instanceof Element && e.target.closest(".register"))) {
        const kind = ({ p: "process", e: "external-entity", s: "data-store", b: "boundary" } as Record<string, NodeKind>)[k];
        if (kind && !useApp.getState().presentation) {
          e.preventDefault();
          addNode(kind);
        }
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [doc, addNode, copy, paste, requestDelete]);

  return (
    <div className="editor">
      <Toolbar onExport={() => setExporting(true)} onSignModel={() => setSigning(true)} onClose={close} />
      <div className="workspace">
        <Palette onAdd={(k) => addNode(k)} />
        <Canvas onAddNode={addNode} />
        <PropertiesPanel />
      </div>
      <BottomPanel />
      <StatusBar />

      {deleting && (
        <Modal
          title={`Delete ${deleting.keys.length === 1 ? deleting.keys[0] : `${deleting.keys.length} items`}?`}
          testId="delete-dialog"
          onClose={() => setDeleting(null)}
          footer={
            <>
              <button onClick={() => setDeleting(null)} data-testid="dialog-cancel">
                Cancel
              </button>
              <button
                className="primary danger"
                data-testid="dialog-confirm"
                onClick={() => {
                  const keys = deleting.keys;
                  setDeleting(null);
                  doEdit(doc, { type: "delete", keys });
                }}
              >
                Delete
              </button>
            </>
          }
        >
          <p>Deletes {deleting.keys.join(", ")}. Flows touching a deleted element go with it.</p>
          {deleting.threats.length ? (
            <>
              <p>These {deleting.threats.length} threats would become obsolete:</p>
              <ul className="threat-list" data-testid="delete-threats">
                {deleting.threats.map((t) => (
                  <li key={t.reference}>
                    <strong>{t.reference}</strong> {t.title} <span className={`sev sev-${t.severity}`}>{SEVERITY[t.severity]}</span>{" "}
                    <span className="muted">{STATUS[t.status]}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="muted">No threats would become obsolete.</p>
          )}
        </Modal>
      )}
      {signing && (
        <PromptDialog
          title="Sign off model"
          label={`Note (optional) · signed as ${view.user}`}
          confirm="Sign off"
          optional
          onClose={() => setSigning(false)}
          onConfirm={(note) => {
            setSigning(false);
            doAct(doc, { type: "sign-model", note: note.trim() || null, signWith: signingKey ?? undefined });
            setSigningKey(null);
          }}
        >
          <SignWithKey value={signingKey} onChange={setSigningKey} />
        </PromptDialog>
      )}
      {exporting && <ExportDialog onClose={() => setExporting(false)} />}
      {shortcuts && <ShortcutsSheet />}
    </div>
  );
}
