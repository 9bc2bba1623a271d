import {
  applyEdgeChanges,
  applyNodeChanges,
  Background,
  ControlButton,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  type Connection,
  type EdgeChange,
  type EdgeTypes,
  type NodeChange,
  type OnSelectionChangeParams,
  useReactFlow,
} from "@xyflow/react";
import { memo, useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import type { CompareView } from "../bindings/CompareView";
import type { DocumentView } from "../bindings/DocumentView";
import type { NodeKind } from "../bindings/NodeKind";
import { doEdit } from "../actions";
import { useApp, useDoc, useDocStore } from "../store";
import { FlowEdge, type FlowEdgeType } from "./FlowEdge";
import { nodeTypes, ResizeContext, type CanvasNode } from "./nodes";

const edgeTypes: EdgeTypes = { flow: memo(FlowEdge) };
/** A workshop needs the diagram large: fit it with a thin margin. */
export const FIT = { padding: 0.05, maxZoom: 1.2 };

/** Where an element or flow is on the canvas (a flow: halfway between its ends). */
/** Above this many nodes, only the nodes and edges in view are rendered. */
const LARGE_CANVAS = 300;
const LARGE_VIEWPORT = { x: 20, y: 20, zoom: 0.8 };

export function centreOf(view: DocumentView, key: string): { x: number; y: number } | null {
  const mid = (k: string) => {
    const n = view.nodes.find((v) => v.key === k);
    return n ? { x: n.x + n.width / 2, y: n.y + n.height / 2 } : null;
  };
  const node = mid(key);
  if (node) return node;
  const e = view.edges.find((v) => v.key === key);
  const a = e && mid(e.from);
  const b = e && mid(e.to);
  return a && b ? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } : null;
}
export const PALETTE_MIME = "application/x-threatwright-kind";

interface Highlight {
  target: string | null;
  path: Set<string>;
  /** Compare view: items added or changed, by key. */
  marks: Map<string, string>;
}

function nodeClass(key: string, h: Highlight, changed: boolean): string {
  const c: string[] = [];
  if (h.target === key) c.push("tw-target");
  if (h.path.has(key)) c.push("tw-path");
  if (changed) c.push("tw-changed");
  const mark = h.marks.get(key);
  if (mark) c.push(`tw-cmp-${mark}`);
  return c.join(" ");
}

const GHOST = "ghost:";

/** What the other version had and this one has not, drawn faded and dashed. */
function ghostNodes(compare: CompareView | null): CanvasNode[] {
  return (compare?.ghosts ?? []).map((n) => ({
    id: GHOST + n.key,
    type: "ghost",
    position: { x: n.x, y: n.y },
    width: n.width,
    height: n.height,
    data: { view: n },
    selectable: false,
    draggable: false,
    connectable: false,
    zIndex: n.kind === "boundary" ? n.depth : 1000 + n.depth,
    className: "tw-ghost",
  }));
}

function ghostEdges(view: DocumentView, compare: CompareView | null): FlowEdgeType[] {
  if (!compare?.ghostEdges.length) return [];
  const here = new Set(view.nodes.map((n) => n.key));
  const end = (k: string) => (here.has(k) ? k : GHOST + k);
  return compare.ghostEdges.map((e) => ({
    id: GHOST + e.key,
    source: end(e.from),
    target: end(e.to),
    label: e.label,
    selectable: false,
    zIndex: 400,
    className: "tw-ghost",
    markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18, color: "var(--ghost)" },
    // Drawn by React Flow's default edge (no type): a ghost has no badge or label button.
  })) as FlowEdgeType[];
}

/**
 * Keeps the `data` object of a node or edge the same while the core's item is the same
 * object, so that the memoised components skip it after each answer: answers carry only
 * the items that changed (see store.applyDelta), the others keep their identity.
 */
const stable = new WeakMap<object, { view: unknown; lane?: number }>();
function stableData<T extends object>(view: T, lane?: number): { view: T; lane?: number } {
  const hit = stable.get(view);
  if (hit && hit.lane === lane) return hit as { view: T; lane?: number };
  const data = lane === undefined ? { view } : { view, lane };
  stable.set(view, data);
  return data;
}

/**
 * Flows between the same two elements (a request and its response, several calls) are
 * drawn side by side: each gets a lane, its offset from the straight line in lanes
 * (…, -1, 0, 1, … or ±0.5, ±1.5 … for an even count), signed for the pair's own direction.
 */
export function lanes(edges: DocumentView["edges"]): Map<string, number> {
  const pairs = new Map<string, DocumentView["edges"]>();
  for (const e of edges) {
    const pair = e.from < e.to ? `${e.from}\u0000${e.to}` : `${e.to}\u0000${e.from}`;
    const list = pairs.get(pair);
    if (list) list.push(e);
    else pairs.set(pair, [e]);
  }
  const out = new Map<string, number>();
  for (const list of pairs.values()) {
    if (list.length < 2) continue;
    list.forEach((e, i) => {
      const lane = i - (list.length - 1) / 2;
      out.set(e.key, e.from < e.to ? lane : -lane);
    });
  }
  return out;
}

function buildNodes(view: DocumentView, selection: Set<string>, h: Highlight, compare: CompareView | null): CanvasNode[] {
  const ghosts = ghostNodes(compare);
  const nodes = view.nodes.map((n): CanvasNode => {
    const boundary = n.kind === "boundary";
    return {
      id: n.key,
      type: n.kind,
      position: { x: n.x, y: n.y },
      width: n.width,
      height: n.height,
      data: stableData(n),
      selected: selection.has(n.key),
      zIndex: boundary ? n.depth : 1000 + n.depth,
      className: nodeClass(n.key, h, n.changed),
      dragHandle: boundary ? ".boundary-title" : undefined,
    } as CanvasNode;
  });
  return ghosts.length ? [...nodes, ...ghosts] : nodes;
}

/** Arrowheads, one object per colour (an unchanged edge keeps its identity). */
const MARKER = {
  cross: { type: MarkerType.ArrowClosed, width: 18, height: 18, color: "var(--cross)" },
  edge: { type: MarkerType.ArrowClosed, width: 18, height: 18, color: "var(--edge)" },
};

function buildEdges(view: DocumentView, selection: Set<string>, h: Highlight, compare: CompareView | null): FlowEdgeType[] {
  const lane = lanes(view.edges);
  const edges = view.edges.map((e): FlowEdgeType => {
    const marker = e.crosses ? MARKER.cross : MARKER.edge;
    const c = [nodeClass(e.key, h, e.changed)];
    if (e.crosses) c.push("crosses");
    return {
      id: e.key,
      type: "flow",
      source: e.from,
      target: e.to,
      data: stableData(e, lane.get(e.key)),
      selected: selection.has(e.key),
      markerEnd: marker,
      markerStart: e.bidirectional ? marker : undefined,
      zIndex: 500,
      className: c.join(" ").trim(),
    };
  });
  const ghosts = ghostEdges(view, compare);
  return ghosts.length ? [...edges, ...ghosts] : edges;
}

/** Same for React Flow: every field the new item states is the same (positions by value). */
function sameItem(before: object, next: object): boolean {
  const b = before as Record<string, unknown>;
  for (const [k, v] of Object.entries(next)) {
    const w = b[k];
    if (w === v) continue;
    if (k === "position") {
      const [p, q] = [w as { x: number; y: number } | undefined, v as { x: number; y: number }];
      if (p && p.x === q.x && p.y === q.y) continue;
    }
    return false;
  }
  return true;
}

/**
 * `next` with the objects of `prev` kept wherever nothing changed: React Flow then keeps
 * those nodes' and edges' internals (measured sizes, handles) and skips re-rendering them.
 * An answer that changed one element re-renders that element, not the thousand others.
 */
export function keepUnchanged<T extends { id: string }>(prev: T[], next: T[]): T[] {
  const before = new Map(prev.map((p) => [p.id, p] as const));
  let all = prev.length === next.length;
  const out = next.map((n, i) => {
    const p = before.get(n.id);
    if (p && sameItem(p, n)) {
      if (prev[i] !== p) all = false;
      return p;
    }
    all = false;
    return n;
  });
  return all ? prev : out;
}

interface CanvasProps {
  onAddNode: (kind: NodeKind, clientX: number, clientY: number) => void;
}

export function Canvas({ onAddNode }: CanvasProps) {
  const doc = useDocStore();
  const view = useDoc((s) => s.view);
  const selection = useDoc((s) => s.selection);
  const selectedThreat = useDoc((s) => s.selectedThreat);
  const theme = useApp((s) => s.theme);
  const focus = useDoc((s) => s.focus);
  const compare = useDoc((s) => s.compare);
  const { fitView, setCenter, getZoom } = useReactFlow();
  const box = useRef<HTMLDivElement>(null);
  /** The canvas is laid out (an animated zoom in a box of no size goes to NaN). */
  const laidOut = () => !!box.current && box.current.clientWidth > 0 && box.current.clientHeight > 0;

  const highlight = useMemo<Highlight>(() => {
    const row = selectedThreat ? view.threats.find((t) => t.reference === selectedThreat) : undefined;
    const marks = new Map((compare?.marks ?? []).map((m) => [m.key, m.mark as string]));
    return { target: row?.target ?? null, path: new Set(row?.attackPath ?? []), marks };
  }, [selectedThreat, view.threats, compare]);

  const sel = useMemo(() => new Set(selection), [selection]);
  const latest = useRef({ sel, highlight });
  latest.current = { sel, highlight };

  const [nodes, setNodes] = useState<CanvasNode[]>(() => buildNodes(view, sel, highlight, compare));
  const [edges, setEdges] = useState<FlowEdgeType[]>(() => buildEdges(view, sel, highlight, compare));

  // A new view from the core (or a comparison opened or closed): rebuilt, keeping what did
  // not change.
  useEffect(() => {
    setNodes((prev) => keepUnchanged(prev, buildNodes(view, latest.current.sel, latest.current.highlight, compare)));
    setEdges((prev) => keepUnchanged(prev, buildEdges(view, latest.current.sel, latest.current.highlight, compare)));
  }, [view, compare]);

  // Selection or highlight changed: keep local positions, update flags and classes.
  useEffect(() => {
    setNodes((ns) =>
      ns.map((n) => {
        if (n.type === "ghost") return n;
        const selected = sel.has(n.id);
        const className = nodeClass(n.id, highlight, n.data.view.changed);
        return n.selected === selected && n.className === className ? n : { ...n, selected, className };
      }),
    );
    setEdges((es) =>
      es.map((e) => {
        if (e.id.startsWith(GHOST)) return e;
        const selected = sel.has(e.id);
        const className = [nodeClass(e.id, highlight, !!e.data?.view.changed), e.data?.view.crosses ? "crosses" : ""].join(" ").trim();
        return e.selected === selected && e.className === className ? e : { ...e, selected, className };
      }),
    );
  }, [sel, highlight]);

  const viewRef = useRef(view);
  viewRef.current = view;
  const centreOn = useCallback(
    (key: string | null | undefined) => {
      const c = key ? centreOf(viewRef.current, key) : null;
      // Close enough to read, never zooming out from where the user is.
      if (c && laidOut()) setCenter(c.x, c.y, { zoom: Math.max(getZoom(), 1), duration: 300 });
    },
    [setCenter, getZoom],
  );

  // A document opened: the whole diagram, as large as the canvas allows. A large one
  // (above LARGE_CANVAS nodes) would be unreadable fitted; it opens at a readable zoom on
  // its top-left corner, and only what is in view is drawn (the minimap and "Fit" show
  // the whole).
  const large = view.nodes.length > LARGE_CANVAS;
  // Fitted once, when a document opens with something to show. Not later: React Flow would
  // fit the first element dropped on an empty canvas and move it from where it was dropped.
  const fitOnOpen = useRef(!large && view.nodes.length > 0).current;
  // The minimap redraws every node after each answer: 50–80 ms per edit at 500 elements in
  // WebKitGTK (measured). Large diagrams open without it; the button beside zoom shows it.
  const [minimap, setMinimap] = useState(!large);
  const fitLater = useRef(fitView);
  fitLater.current = fitView;
  useEffect(() => {
    if (!fitOnOpen) return;
    const id = requestAnimationFrame(() => laidOut() && fitLater.current(FIT));
    return () => cancelAnimationFrame(id);
    // Only when another document opens (fitView's identity changes as nodes come and go).
  }, [doc]);

  // A threat selected in the register: bring its target into view (besides the highlight).
  useEffect(() => {
    if (!selectedThreat) return;
    centreOn(viewRef.current.threats.find((t) => t.reference === selectedThreat)?.target);
  }, [selectedThreat, centreOn]);

  // An item revealed elsewhere (the Data & APIs tab): it is selected; show it.
  useEffect(() => {
    if (focus) centreOn(focus.key);
  }, [focus, centreOn]);

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    // Removal goes through the delete dialog, never straight from React Flow.
    setNodes((ns) => applyNodeChanges(changes.filter((c) => c.type !== "remove"), ns));
  }, []);
  const onEdgesChange = useCallback((changes: EdgeChange<FlowEdgeType>[]) => {
    setEdges((es) => applyEdgeChanges(changes.filter((c) => c.type !== "remove"), es));
  }, []);

  const onSelectionChange = useCallback(
    ({ nodes, edges }: OnSelectionChangeParams) => {
      const real = (id: string) => !id.startsWith(GHOST);
      doc.getState().setSelection([...nodes.map((n) => n.id), ...edges.map((e) => e.id)].filter(real));
    },
    [doc],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      if (c.source && c.target && c.source !== c.target) doEdit(doc, { type: "add-flow", from: c.source, to: c.target, name: "" });
    },
    [doc],
  );

  const onNodeDragStop = useCallback(
    (_: unknown, _node: CanvasNode, dragged: CanvasNode[]) => {
      const current = doc.getState().view.nodes;
      const items = dragged
        .filter((n) => {
          const before = current.find((v) => v.key === n.id);
          return !before || before.x !== n.position.x || before.y !== n.position.y;
        })
        .map((n) => ({ key: n.id, x: n.position.x, y: n.position.y, width: null, height: null }));
      if (items.length) doEdit(doc, { type: "place", items });
    },
    [doc],
  );

  const onResizeEnd = useCallback(
    (key: string, x: number, y: number, width: number, height: number) => {
      doEdit(doc, { type: "place", items: [{ key, x, y, width, height }] });
    },
    [doc],
  );

  const onDragOver = (e: DragEvent) => {
    if (e.dataTransfer.types.includes(PALETTE_MIME)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  };
  const onDrop = (e: DragEvent) => {
    const kind = e.dataTransfer.getData(PALETTE_MIME) as NodeKind;
    if (!kind) return;
    e.preventDefault();
    onAddNode(kind, e.clientX, e.clientY);
  };

  return (
    <ResizeContext.Provider value={onResizeEnd}>
      <div className="canvas" data-testid="canvas" ref={box} onDragOver={onDragOver} onDrop={onDrop}>
        <ReactFlow<CanvasNode, FlowEdgeType>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onSelectionChange={onSelectionChange}
          onConnect={onConnect}
          onNodeDragStop={onNodeDragStop}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={["Control", "Meta", "Shift"]}
          elevateNodesOnSelect={false}
          elevateEdgesOnSelect={false}
          fitView={fitOnOpen}
          fitViewOptions={FIT}
          defaultViewport={LARGE_VIEWPORT}
          colorMode={theme}
          minZoom={0.1}
          // Large diagrams: only what is in view is in the page.
          onlyRenderVisibleElements={large}
        >
          <Background gap={16} />
          {minimap && <MiniMap pannable zoomable />}
          <Controls showInteractive={false}>
            <ControlButton
              data-testid="toggle-minimap"
              title={minimap ? "Hide the minimap" : "Show the minimap"}
              aria-pressed={minimap}
              onClick={() => setMinimap((m) => !m)}
            >
              ▣
            </ControlButton>
          </Controls>
        </ReactFlow>
      </div>
    </ResizeContext.Provider>
  );
}
