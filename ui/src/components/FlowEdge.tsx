import { BaseEdge, EdgeLabelRenderer, getBezierPath, useStore, type Edge, type EdgeProps } from "@xyflow/react";
import type { EdgeView } from "../bindings/EdgeView";
import { useDocStore } from "../store";
import { Badge, ChangedMark } from "./nodes";

export type FlowEdgeType = Edge<{ view: EdgeView; lane?: number }, "flow">;

/** Distance between the lanes of flows joining the same two elements (canvas units). */
const LANE_GAP = 34;

/**
 * A flow in a lane beside the straight line (see Canvas `lanes`): a quadratic curve whose
 * middle lies `lane × LANE_GAP` off the line, and that middle (where the label goes).
 */
export function lanePath(sx: number, sy: number, tx: number, ty: number, lane: number): [string, number, number] {
  const dx = tx - sx;
  const dy = ty - sy;
  const len = Math.hypot(dx, dy) || 1;
  // The normal of the pair's own direction: both directions bow to the same sides.
  const [nx, ny] = [-dy / len, dx / len];
  const off = lane * LANE_GAP;
  const mx = (sx + tx) / 2 + nx * off;
  const my = (sy + ty) / 2 + ny * off;
  // A quadratic curve passes its control point's midpoint with the chord's: twice the offset.
  const cx = (sx + tx) / 2 + nx * off * 2;
  const cy = (sy + ty) / 2 + ny * off * 2;
  return [`M ${sx},${sy} Q ${cx},${cy} ${tx},${ty}`, mx, my];
}

/** On large diagrams, flow labels appear once zoomed in enough to read them. */
const LARGE_DIAGRAM_EDGES = 300;
const LABEL_ZOOM = 0.6;

export function FlowEdge(props: EdgeProps<FlowEdgeType>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, markerStart, data, selected } = props;
  const lane = data?.lane;
  const [path, lx, ly] = lane
    ? lanePath(sourceX, sourceY, targetX, targetY, lane)
    : getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
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
