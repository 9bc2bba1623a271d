import { BaseEdge, EdgeLabelRenderer, getBezierPath, type Edge, type EdgeProps } from "@xyflow/react";
import type { EdgeView } from "../bindings/EdgeView";
import { useDocStore } from "../store";
import { Badge, ChangedMark } from "./nodes";

export type FlowEdgeType = Edge<{ view: EdgeView }, "flow">;

export function FlowEdge(props: EdgeProps<FlowEdgeType>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, markerStart, data, selected } = props;
  const [path, lx, ly] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const v = data?.view;
  const doc = useDocStore();
  return (
    <>
      <BaseEdge path={path} markerEnd={markerEnd} markerStart={markerStart} />
      {v && (
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
