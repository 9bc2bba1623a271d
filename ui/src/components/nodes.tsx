// One node component per kind. Positions and sizes come from the core's view; boundaries
// are separate nodes drawn below elements (no React Flow parentId: membership is the core's).
import { Handle, NodeResizer, Position, type Node, type NodeProps, type NodeTypes } from "@xyflow/react";
import { createContext, memo, useContext } from "react";
import type { NodeView } from "../bindings/NodeView";
import { SEVERITY } from "../labels";

export type ElementNode = Node<{ view: NodeView }, "external-entity" | "process" | "data-store">;
export type BoundaryNode = Node<{ view: NodeView }, "boundary">;
/** An element or boundary of the other version that is gone (compare view). */
export type GhostNode = Node<{ view: NodeView }, "ghost">;
export type CanvasNode = ElementNode | BoundaryNode | GhostNode;

/** What the canvas does when a boundary's resize ends. */
export const ResizeContext = createContext<(key: string, x: number, y: number, w: number, h: number) => void>(() => {});

export function Badge({ k, threats, worst }: { k: string; threats: number; worst: NodeView["worst"] }) {
  return (
    <span
      className={`badge sev-${worst ?? "none"}`}
      data-testid={`badge-${k}`}
      title={worst ? `${threats} live threats, worst ${SEVERITY[worst]}` : `${threats} live threats`}
    >
      {threats}
    </span>
  );
}

export function ChangedMark({ changed }: { changed: boolean }) {
  return changed ? (
    <span className="changed-mark" data-testid="changed-mark" title="Changed since the baseline">
      ●
    </span>
  ) : null;
}

function ElementBody({ data, shape }: { data: { view: NodeView }; shape: string }) {
  const v = data.view;
  return (
    <div className={`element shape-${shape}`} title={`${v.name} (${v.key})`}>
      <Handle type="target" position={Position.Left} />
      <span className="element-name">{v.name}</span>
      <Badge k={v.key} threats={v.threats} worst={v.worst} />
      <ChangedMark changed={v.changed} />
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

const ExternalEntityNode = ({ data }: NodeProps<ElementNode>) => <ElementBody data={data} shape="entity" />;
const ProcessNode = ({ data }: NodeProps<ElementNode>) => <ElementBody data={data} shape="process" />;
const DataStoreNode = ({ data }: NodeProps<ElementNode>) => <ElementBody data={data} shape="store" />;

function BoundaryNodeView({ data, selected }: NodeProps<BoundaryNode>) {
  const v = data.view;
  const onResize = useContext(ResizeContext);
  return (
    <>
      <NodeResizer
        isVisible={selected}
        minWidth={40}
        minHeight={24}
        onResizeEnd={(_, p) => onResize(v.key, p.x, p.y, p.width, p.height)}
      />
      <div className="boundary-box">
        <div className="boundary-title" title={`${v.name} (${v.key})`}>
          <span>{v.name}</span>
          <Badge k={v.key} threats={v.threats} worst={v.worst} />
          <ChangedMark changed={v.changed} />
        </div>
      </div>
    </>
  );
}

const GHOST_SHAPE: Record<NodeView["kind"], string> = {
  "external-entity": "entity",
  process: "process",
  "data-store": "store",
  boundary: "boundary",
};

function GhostNodeView({ data }: NodeProps<GhostNode>) {
  const v = data.view;
  return (
    <div className={`ghost ghost-${GHOST_SHAPE[v.kind]}`} data-testid={`ghost-${v.key}`} title={`${v.name} (${v.key}): removed`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="element-name">{v.name}</span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

// Memoised: after each answer from the core only nodes whose props changed re-render.
export const nodeTypes: NodeTypes = {
  "external-entity": memo(ExternalEntityNode),
  process: memo(ProcessNode),
  "data-store": memo(DataStoreNode),
  boundary: memo(BoundaryNodeView),
  ghost: memo(GhostNodeView),
};
