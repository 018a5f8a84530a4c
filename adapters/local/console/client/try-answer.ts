import { fill, h } from './dom.js';
import type { Child } from './dom.js';
import { ms } from './format.js';

/** One class and its probability, as `/predict` and `/classify` both give them. */
export interface Scored {
  label: string;
  probability: number;
}

/** What a prediction route answered, read once: its scores, or its coded error. */
export interface Answer {
  status: number;
  model?: string;
  version?: string;
  scores?: Scored[];
  error?: { code: string; message: string };
}

/** A bar `pct` wide: set through the CSSOM, as the page's CSP refuses inline style attributes. */
function bar(pct: number): HTMLElement {
  const el = h('div', { class: 'bar' });
  el.style.width = `${Math.max(0.5, pct)}%`;
  return el;
}

/**
 * Show an answer in `result`: the top label (element `topId`), the round trip
 * and the model, then one bar per class; or the route's status, error code and
 * message, so a refusal (413 too long, 400 empty) reads as what it is.
 */
export function showAnswer(result: HTMLElement, answer: Answer, latency: number, topId: string, ...before: Child[]): void {
  const scores = answer.scores;
  if (!scores?.length) {
    const why = answer.error ? `${answer.error.code}: ${answer.error.message}` : 'no predictions';
    fill(result, ...before, h('p', { class: 'error', role: 'alert' }, `${answer.status} ${why}`));
    return;
  }
  const bars = h('div', { class: 'bars', role: 'list', 'aria-label': 'Top predictions' });
  for (const s of scores) {
    const pct = Math.round(s.probability * 1000) / 10;
    bars.append(h('span', { role: 'listitem', class: 'label' }, s.label), h('div', { class: 'bar-track', 'aria-hidden': 'true' }, bar(pct)), h('span', { class: 'num' }, `${pct.toFixed(1)}%`));
  }
  fill(result, ...before, h('p', {}, h('strong', { id: topId }, scores[0]?.label ?? '?'), ` · ${ms(latency)} round trip · model ${answer.model ?? ''} ${answer.version ?? ''}`), bars);
}

/** POST to a prediction route and time the round trip; `scores` picks the classes out of a successful body. */
export async function ask<B>(path: string, body: BodyInit, type: string, scores: (body: B) => Scored[] | undefined): Promise<{ answer: Answer; latency: number }> {
  const started = performance.now();
  const res = await fetch(path, { method: 'POST', body, headers: { 'content-type': type } });
  const latency = performance.now() - started;
  let parsed: { model?: string; version?: string; error?: { code: string; message: string } } = {};
  try {
    parsed = (await res.json()) as typeof parsed;
  } catch {
    // A body that is not JSON: the status alone says what happened.
  }
  const answer: Answer = { status: res.status, ...parsed };
  if (res.ok) answer.scores = scores(parsed as B);
  else answer.error ??= { code: res.statusText, message: 'the route answered without an error body' };
  return { answer, latency };
}
