import type { NodeKind } from "../bindings/NodeKind";
import { NODE_KIND } from "../labels";
import { PALETTE_MIME } from "./Canvas";

const ITEMS: { kind: NodeKind; key: string }[] = [
  { kind: "process", key: "P" },
  { kind: "external-entity", key: "E" },
  { kind: "data-store", key: "S" },
  { kind: "boundary", key: "B" },
];

export function Palette({ onAdd }: { onAdd: (kind: NodeKind) => void }) {
  return (
    <aside className="palette" aria-label="Palette">
      <h3>Add</h3>
      {ITEMS.map(({ kind, key }) => (
        <button
          key={kind}
          className={`palette-item palette-${kind}`}
          data-testid={`palette-${kind}`}
          draggable
          onDragStart={(e) => {
            e.dataTransfer.setData(PALETTE_MIME, kind);
            e.dataTransfer.effectAllowed = "copy";
          }}
          onClick={() => onAdd(kind)}
          title={`${NODE_KIND[kind]} (${key}); click to add in the middle, or drag onto the canvas`}
        >
          <span className={`palette-icon icon-${kind}`} aria-hidden="true" />
          <span>{NODE_KIND[kind]}</span>
          <kbd>{key}</kbd>
        </button>
      ))}
    </aside>
  );
}
