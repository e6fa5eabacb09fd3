import dagre from '@dagrejs/dagre';
import type { ViewModel } from './model.js';

/**
 * Draws a traced graph as SVG: dagre (a maintained layout library) places
 * the nodes and routes the edges; this file only measures text and draws.
 * Forward values sit in each node; a node's gradient appears once backward
 * has reached it, and each edge carries the gradient sent back along it.
 */

const CHAR = 7.3; // width of one character of the 12px monospace font, in px
const LINE = 15;
const PAD = 8;

export type Direction = 'LR' | 'TB';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  direction: Direction;
  width: number;
  height: number;
  nodes: Box[];
  /** Per node, per input index: the edge's points and where its label goes. */
  edges: { from: number; to: number; input: number; points: { x: number; y: number }[]; label: Box | null }[];
}

const textWidth = (lines: string[]) => Math.max(...lines.map((l) => l.length)) * CHAR;

/** Lays the graph out once per model and direction; stepping only redraws. */
export function layoutGraph(model: ViewModel, direction: Direction): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: direction, nodesep: 18, ranksep: direction === 'LR' ? 46 : 34, edgesep: 10, marginx: 6, marginy: 6 });
  g.setDefaultEdgeLabel(() => ({}));
  const gradOf = (id: number) => (model.nodes[id].step === null ? [] : model.steps[model.nodes[id].step!].grad);
  for (const n of model.nodes) {
    const lines = [n.title, ...n.value.map((v) => `= ${v}`), ...gradOf(n.id).map((v) => `∂ ${v}`)];
    // The gradient lines are reserved from the start, so the layout does not move while stepping.
    g.setNode(String(n.id), { width: textWidth(lines) + 2 * PAD, height: lines.length * LINE + 2 * PAD - 2 });
  }
  for (const step of model.steps) {
    const node = model.nodes[step.node];
    node.inputs.forEach((input, j) => {
      const label = step.inputGrads[j];
      g.setEdge(
        String(input),
        String(node.id),
        label ? { width: textWidth(label) + 8, height: label.length * LINE, labelpos: 'c' } : {},
        `${node.id}:${j}`,
      );
    });
  }
  // Ops whose backward never ran (constants feeding the output only) still get their edges.
  for (const node of model.nodes) {
    node.inputs.forEach((input, j) => {
      if (!g.hasEdge(String(input), String(node.id), `${node.id}:${j}`)) g.setEdge(String(input), String(node.id), {}, `${node.id}:${j}`);
    });
  }
  dagre.layout(g);
  const graph = g.graph();
  const nodes = model.nodes.map((n) => {
    const d = g.node(String(n.id));
    return { x: d.x - d.width / 2, y: d.y - d.height / 2, width: d.width, height: d.height };
  });
  const edges: Layout['edges'] = [];
  for (const node of model.nodes) {
    node.inputs.forEach((input, j) => {
      const e = g.edge(String(input), String(node.id), `${node.id}:${j}`) as {
        points: { x: number; y: number }[];
        x?: number;
        y?: number;
        width?: number;
        height?: number;
      };
      const label =
        e.x !== undefined && e.width ? { x: e.x - e.width / 2, y: e.y! - e.height! / 2, width: e.width, height: e.height! } : null;
      edges.push({ from: input, to: node.id, input: j, points: e.points, label });
    });
  }
  return { direction, width: graph.width ?? 0, height: graph.height ?? 0, nodes, edges };
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The SVG for the graph after `done` backward steps (0: only the forward
 * pass). The node of the last step taken is highlighted, with the edges to
 * its inputs.
 */
export function renderGraph(model: ViewModel, layout: Layout, done: number): string {
  const current = done > 0 ? model.steps[done - 1].node : -1;
  const parts: string[] = [];
  parts.push(
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
      '<path d="M0,0 L10,5 L0,10 z" fill="#80868b"/></marker>' +
      '<marker id="arrow-back" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
      '<path d="M0,0 L10,5 L0,10 z" fill="#c5221f"/></marker></defs>',
  );
  for (const e of layout.edges) {
    const to = model.nodes[e.to];
    const sent = to.step !== null && to.step < done ? model.steps[to.step].inputGrads[e.input] : null;
    const active = e.to === current;
    const d = e.points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
    // Forward: input → op. Once a gradient flows back along it, the arrow turns around and turns red.
    parts.push(
      `<path class="edge${sent ? ' back' : ''}${active ? ' active' : ''}" d="${d}" ` +
        (sent ? 'marker-start="url(#arrow-back)"' : 'marker-end="url(#arrow)"') +
        ' />',
    );
    if (sent && e.label) {
      const lines = sent.map(
        (l, i) =>
          `<text x="${(e.label!.x + e.label!.width / 2).toFixed(1)}" y="${(e.label!.y + LINE * (i + 0.8)).toFixed(1)}" text-anchor="middle">${escapeXml(l)}</text>`,
      );
      parts.push(`<g class="edge-grad${active ? ' active' : ''}" data-edge="${e.from}-${e.to}">${lines.join('')}</g>`);
    }
  }
  for (const n of model.nodes) {
    const box = layout.nodes[n.id];
    const reached = n.step !== null && n.step < done;
    const step = reached ? model.steps[n.step!] : null;
    const kind = n.op !== null ? 'op' : n.requiresGrad ? 'leaf' : 'constant';
    const classes = [
      'node',
      kind,
      reached ? 'reached' : '',
      n.id === current ? 'current' : '',
      n.id === model.output ? 'output' : '',
      n.firstNonFinite ? 'nonfinite' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const data = [
      `data-node="${n.id}"`,
      n.name ? `data-name="${escapeXml(n.name)}"` : '',
      n.op ? `data-op="${escapeXml(n.op)}"` : '',
      n.scalar !== null ? `data-value="${n.scalar}"` : '',
      step?.gradScalar != null ? `data-grad="${step.gradScalar}"` : '',
    ]
      .filter(Boolean)
      .join(' ');
    const text: string[] = [];
    let y = box.y + PAD + LINE * 0.8;
    const line = (s: string, cls: string) => {
      text.push(`<text class="${cls}" x="${(box.x + PAD).toFixed(1)}" y="${y.toFixed(1)}">${escapeXml(s)}</text>`);
      y += LINE;
    };
    line(n.title, 'title');
    for (const v of n.value) line(`= ${v}`, 'value');
    if (step) for (const gl of step.grad) line(`∂ ${gl}`, 'grad');
    parts.push(
      `<g class="${classes}" ${data}><rect x="${box.x.toFixed(1)}" y="${box.y.toFixed(1)}" width="${box.width.toFixed(1)}" height="${box.height.toFixed(1)}" rx="${kind === 'op' ? 14 : 4}"/>${text.join('')}</g>`,
    );
  }
  return parts.join('');
}
