import { describe, expect, it } from "vitest";
import { keepUnchanged, lanes } from "./Canvas";
import { lanePath } from "./FlowEdge";
import { view } from "../test/fixtures";

const edge = (key: string, from: string, to: string) => ({ ...view().edges[0], key, from, to });

describe("flows between the same two elements", () => {
  it("get lanes side by side, on the same sides whatever their direction", () => {
    const l = lanes([edge("req", "client", "api"), edge("resp", "api", "client"), edge("other", "api", "db")]);
    expect(l.has("other")).toBe(false);
    // Two flows: half a lane each side of the line.
    expect(Math.abs(l.get("req")!)).toBe(0.5);
    // A request and its response: drawn (from each one's own end to the other) with
    // their labels a lane apart, not on top of each other.
    const pos = { client: [0, 0], api: [200, 0] } as const;
    const mid = (k: string, from: "client" | "api", to: "client" | "api") =>
      lanePath(pos[from][0], pos[from][1], pos[to][0], pos[to][1], l.get(k)!).slice(1) as number[];
    const [, y1] = mid("req", "client", "api");
    const [, y2] = mid("resp", "api", "client");
    expect(Math.abs(y1 - y2)).toBeGreaterThan(30);
    const three = lanes([edge("a", "x", "y"), edge("b", "x", "y"), edge("c", "x", "y")]);
    expect([...three.values()].sort()).toEqual([-1, 0, 1]);
  });

  it("are drawn as curves whose middle (the label) lies off the line by the lane", () => {
    const [, mx, my] = lanePath(0, 0, 100, 0, 1);
    expect(mx).toBe(50);
    expect(Math.abs(my)).toBeGreaterThan(20);
    const [, rx, ry] = lanePath(100, 0, 0, 0, -1);
    expect([rx, ry]).toEqual([mx, my]);
    const [path] = lanePath(0, 0, 100, 0, 0.5);
    expect(path).toMatch(/^M 0,0 Q /);
  });
});

describe("nodes and edges after an answer", () => {
  it("keep their objects where nothing changed, so React Flow skips them", () => {
    const a = { id: "a", position: { x: 1, y: 2 }, data: { n: 1 } };
    const b = { id: "b", position: { x: 3, y: 4 }, data: { n: 2 } };
    const prev = [a, b];
    // Rebuilt from the same view: new objects, same content (positions by value).
    const same = keepUnchanged(prev, [{ ...a, position: { x: 1, y: 2 } }, { ...b, position: { x: 3, y: 4 } }]);
    expect(same).toBe(prev);
    // One moved: only it is new.
    const moved = keepUnchanged(prev, [{ ...a }, { ...b, position: { x: 9, y: 4 } }]);
    expect(moved[0]).toBe(a);
    expect(moved[1]).not.toBe(b);
    expect(moved[1].position.x).toBe(9);
    // New data object: new node. One gone, one added: the list follows `next`.
    const changed = keepUnchanged(prev, [{ ...a, data: { n: 1 } }, { id: "c", position: { x: 0, y: 0 }, data: { n: 3 } }]);
    expect(changed[0]).not.toBe(a);
    expect(changed.map((n) => n.id)).toEqual(["a", "c"]);
  });
});
