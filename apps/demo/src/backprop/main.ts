/**
 * The backpropagation page: a program typed (or picked) → Tensile ops on the
 * cpu backend → the recorded graph and a traced backward pass (core's
 * recordedGraph / traceBackward) → an SVG the visitor steps through.
 */
import { cpu } from '@tensile/backend-cpu';
import * as t from '@tensile/core';
import { evaluateProgram, type Evaluation } from './evaluate.js';
import { EXAMPLES } from './examples.js';
import { parseProgram } from './expression.js';
import { layoutGraph, renderGraph, type Direction, type Layout } from './graph-svg.js';
import { buildViewModel, formatNumber, type ViewModel, type ViewNode } from './model.js';
import { BROADCAST_NOTE, ruleOf } from './rules.js';
import '../style.css';
import './backprop.css';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`backprop page: no #${id}`);
  return el as T;
};

const source = $<HTMLTextAreaElement>('bp-source');
const svg = document.getElementById('bp-svg') as unknown as SVGSVGElement;
const scroller = svg.parentElement!;

let evaluation: Evaluation | undefined;
let trace: t.BackwardTrace | undefined;
let model: ViewModel | undefined;
let layouts: Record<Direction, Layout> | undefined;
let layout: Layout | undefined;
let done = 0;

const ready = t.setBackend(cpu());

// ---- examples --------------------------------------------------------------

for (const ex of EXAMPLES) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = ex.title;
  button.dataset.example = ex.id;
  button.setAttribute('aria-pressed', 'false');
  button.addEventListener('click', () => {
    source.value = ex.source;
    history.replaceState(null, '', `#${ex.id}`);
    void build(ex.id);
  });
  $('bp-examples').append(button);
}

function markExample(id: string | null): void {
  for (const b of $('bp-examples').querySelectorAll<HTMLButtonElement>('button'))
    b.setAttribute('aria-pressed', String(b.dataset.example === id));
  const ex = EXAMPLES.find((e) => e.id === id);
  $('bp-note').textContent = ex ? ex.note : 'Your program. Press Step to walk the backward pass.';
}

// ---- building the graph ----------------------------------------------------

function showError(message: string): void {
  $('bp-error').textContent = message;
  source.setAttribute('aria-invalid', message ? 'true' : 'false');
}

async function build(exampleId: string | null = null): Promise<void> {
  await ready;
  let next: Evaluation | undefined;
  let nextTrace: t.BackwardTrace | undefined;
  try {
    next = evaluateProgram(parseProgram(source.value));
    const out = next.output;
    // A non-scalar output is seeded with ones, as if it were summed.
    const seed = out.size === 1 ? undefined : t.onesLike(out);
    nextTrace = t.traceBackward(out, seed);
    seed?.dispose();
    const nextModel = await buildViewModel(nextTrace);
    trace?.dispose();
    evaluation?.dispose();
    [evaluation, trace, model] = [next, nextTrace, nextModel];
  } catch (error) {
    nextTrace?.dispose();
    next?.dispose();
    showError(`Could not build the graph: ${(error as Error).message}`);
    return;
  }
  showError('');
  markExample(exampleId);
  done = 0;
  layouts = { LR: layoutGraph(model!, 'LR'), TB: layoutGraph(model!, 'TB') };
  layout = undefined;
  draw();
}

// ---- stepping ----------------------------------------------------------------

/** Text smaller than this (as a share of its size) is unreadable: the graph scrolls instead. */
const MIN_SCALE = 0.8;

/** Left to right when it fits the width about as well; top to bottom for long chains and narrow screens. */
function chooseLayout(): Layout {
  const fit = (l: Layout) => Math.min(1, (scroller.clientWidth - 2) / l.width);
  const { LR, TB } = layouts!;
  return fit(LR) >= Math.min(1, fit(TB) * 0.9) ? LR : TB;
}

function labelOf(n: ViewNode): string {
  if (n.name) return n.name;
  if (n.op) return `${n.op} #${n.id}`;
  return n.requiresGrad ? `input #${n.id}` : `constant ${n.value.join(' ')}`;
}

function draw(): void {
  if (!model) return;
  layout = chooseLayout();
  // Shrunk to fit the width down to MIN_SCALE; beyond that the box scrolls.
  const scale = Math.max(MIN_SCALE, Math.min(1, (scroller.clientWidth - 2) / layout.width));
  svg.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
  svg.setAttribute('width', (layout.width * scale).toFixed(0));
  svg.setAttribute('height', (layout.height * scale).toFixed(0));
  svg.innerHTML = renderGraph(model, layout, done);
  // Keep the node being explained in sight when the graph is larger than its box.
  svg.querySelector('g.current')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  const out = model.nodes[model.output];
  svg.setAttribute(
    'aria-label',
    `Computational graph of ${labelOf(out)}: ${model.nodes.length} nodes; ${done} of ${model.steps.length} backward steps taken. The table below lists the same values.`,
  );
  $('bp-counter').textContent =
    done === 0
      ? `Forward pass done: ${labelOf(out)} = ${out.value.join(' ')}. Backward: 0 of ${model.steps.length} steps.`
      : `Backward: step ${done} of ${model.steps.length}${done === model.steps.length ? ' — done: every input has its gradient.' : ''}`;
  $('bp-counter').dataset.done = String(done);
  $('bp-rule').innerHTML = '';
  $('bp-rule').append(...ruleFor(done));
  // aria-disabled, not disabled: a focused button that disables itself would drop keyboard focus to the page.
  $('bp-back').setAttribute('aria-disabled', String(done === 0));
  $('bp-restart').setAttribute('aria-disabled', String(done === 0));
  $('bp-step').setAttribute('aria-disabled', String(done === model.steps.length));
  $('bp-all').setAttribute('aria-disabled', String(done === model.steps.length));
  fillTable();
}

/** The explanation of the step just taken: which node, the rule its op applies, and the numbers Tensile computed. */
function ruleFor(k: number): Node[] {
  const m = model!;
  const p = (text: string, cls = '') => Object.assign(document.createElement('p'), { textContent: text, className: cls });
  const bad = m.nodes.find((n) => n.firstNonFinite);
  const warning = bad
    ? [
        p(
          `⚠ The first NaN or ∞ appears at ${labelOf(bad)} (outlined in orange): its inputs are all finite, so this op made it — what Tensile's anomaly mode (setAnomalyDetection) would name.`,
          'warning',
        ),
      ]
    : [];
  if (k === 0)
    return [
      ...warning,
      p(
        'Each node shows its forward value (=). Press Step: backward starts at the output with gradient 1 and visits every node once, in reverse topological order — a node only after everything that used it.',
      ),
    ];
  const step = m.steps[k - 1];
  const node = m.nodes[step.node];
  const g = step.grad.join(' ');
  const parts: Node[] = [];
  const head = document.createElement('p');
  head.className = 'rule-head';
  head.innerHTML = '';
  head.append(Object.assign(document.createElement('strong'), { textContent: labelOf(node) }), ` receives ∂ = ${g}`);
  parts.push(head);
  const users = m.nodes.filter((n) => n.inputs.includes(node.id)).length;
  if (step.node === m.output) parts.push(p(`Backward starts here, at the output: ∂${labelOf(node)}/∂${labelOf(node)} = ${g}.`));
  else if (users > 1) parts.push(p(`${users} ops used it, so its gradient is the sum of what they sent back.`));
  if (node.op === null) {
    parts.push(
      p(
        `${labelOf(node)} is a leaf: backward adds this gradient into ${labelOf(node)}.grad — the answer to "how much does the output change per unit of ${labelOf(node)}".`,
      ),
    );
    return parts;
  }
  const rule = ruleOf(node.op);
  parts.push(p(rule.rule, 'rule-text'));
  if (rule.formulas.length) parts.push(p(rule.formulas.join('   ·   '), 'formulas'));
  const list = document.createElement('ul');
  node.inputs.forEach((input, j) => {
    const sent = step.inputGrads[j];
    const li = document.createElement('li');
    li.textContent = sent
      ? `→ ${labelOf(m.nodes[input])}: ${sent.join(' ')}${worked(node, j, step.gradScalar)}`
      : `→ ${labelOf(m.nodes[input])}: no gradient (a constant)`;
    list.append(li);
  });
  parts.push(list);
  if (step.broadcast) parts.push(p(BROADCAST_NOTE, 'note'));
  return parts;
}

/** For scalar add/sub/mul/sigmoid, the rule with Tensile's numbers filled in (e.g. "= 1.1 × 2"). */
function worked(node: ViewNode, j: number, g: number | null): string {
  const m = model!;
  const ins = node.inputs.map((i) => m.nodes[i].scalar);
  if (g === null || ins.some((v) => v === null)) return '';
  const f = formatNumber;
  switch (node.op) {
    case 'add':
      return `  (= g = ${f(g)})`;
    case 'sub':
      return j === 0 ? `  (= g = ${f(g)})` : `  (= −g = −${f(g)})`;
    case 'mul':
      return `  (= g × ${labelOf(m.nodes[node.inputs[1 - j]])} = ${f(g)} × ${f(ins[1 - j]!)})`;
    case 'sigmoid': {
      const y = node.scalar!;
      return `  (= g · y · (1 − y) = ${f(g)} × ${f(y)} × ${f(1 - y)})`;
    }
    default:
      return '';
  }
}

function fillTable(): void {
  const m = model!;
  const body = $('bp-table').querySelector('tbody')!;
  body.innerHTML = '';
  for (const n of m.nodes) {
    const reached = n.step !== null && n.step < done;
    const row = document.createElement('tr');
    row.dataset.node = String(n.id);
    if (n.name) row.dataset.name = n.name;
    if (n.step !== null && n.step === done - 1) row.className = 'current';
    const cells = [
      String(n.id),
      n.op ? `${n.op}${n.name ? ` (${n.name})` : ''}` : labelOf(n),
      n.value.join(' '),
      reached ? m.steps[n.step!].grad.join(' ') : n.step === null ? '—' : '…',
    ];
    for (const [i, c] of cells.entries()) {
      const cell = document.createElement(i === 1 ? 'th' : 'td');
      if (i === 1) cell.setAttribute('scope', 'row');
      cell.textContent = c;
      row.append(cell);
    }
    body.append(row);
  }
}

function go(k: number): void {
  if (!model) return;
  done = Math.max(0, Math.min(model.steps.length, k));
  draw();
}

$('bp-build').addEventListener('click', () => {
  markExample(null);
  history.replaceState(null, '', '#custom');
  void build(null);
});
source.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) $('bp-build').click();
});
$('bp-step').addEventListener('click', () => go(done + 1));
$('bp-back').addEventListener('click', () => go(done - 1));
$('bp-all').addEventListener('click', () => go(model?.steps.length ?? 0));
$('bp-restart').addEventListener('click', () => go(0));
let lastWidth = 0;
new ResizeObserver(() => {
  if (!model || scroller.clientWidth === lastWidth) return;
  lastWidth = scroller.clientWidth;
  draw();
}).observe(scroller);

const initial = EXAMPLES.find((e) => `#${e.id}` === location.hash) ?? EXAMPLES[0];
source.value = initial.source;
void build(initial.id);
