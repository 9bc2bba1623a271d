import { BaseEdge, EdgeLabelRenderer, getBezierPath, useStore, type Edge, type EdgeProps } from "@xyflow/react";
import type { EdgeView } from "../bindings/EdgeView";
import { useDocStore } from "../store";
import { Badge, ChangedMark } from "./nodes";

export type FlowEdgeType = Edge<{ view: EdgeView }, "flow">;

/** On large diagrams, flow labels appear once zoomed in enough to read them. */
const LARGE_DIAGRAM_EDGES = 300;
const LABEL_ZOOM = 0.6;

export function FlowEdge(props: EdgeProps<FlowEdgeType>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, markerStart, data, selected } = props;
  const [path, lx, ly] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const v = data?.view;
  const doc = useDocStore();
  const showLabel = useStore((s) => s.edges.length <= LARGE_DIAGRAM_EDGES || s.transform[2] >= LABEL_ZOOM);
  return (
    <>
      <BaseEdge path={path} markerEnd={markerEnd} markerStart={markerStart} />
      {v && showLabel && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label nodrag nopan${selected ? " selected" : ""}${v.crosses ? " crosses" : ""}`}
            style={{ transform: `translate(-50%, -50%) translate(${lx}px, ${ly}px)` }}
            onClick={() => doc.getState().setSelection([v.key])}
            title={`${v.label} (${v.key})${v.crosses ? " · crosses a trust boundary" : ""}`}
          >
            <span>{v.label}</span>
            <Badge k={v.key} threats={v.threats} worst={v.worst} />
            <ChangedMark changed={v.changed} />
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
