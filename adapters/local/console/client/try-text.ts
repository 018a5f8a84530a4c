import { describeError } from './api.js';
import { fill, h } from './dom.js';
import type { Scored } from './try-answer.js';
import { ask, showAnswer } from './try-answer.js';

/** Classes shown. */
const TOP_K = 5;

/** The part of a `POST /classify` answer the page reads: one result, with every class's probability. */
interface ClassifyBody {
  results?: { probabilities?: Record<string, number> }[];
}

/** The classes of the first result, most probable first. */
function classScores(body: ClassifyBody): Scored[] | undefined {
  const probabilities = body.results?.[0]?.probabilities;
  if (!probabilities) return undefined;
  return Object.entries(probabilities)
    .map(([label, probability]) => ({ label, probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, TOP_K);
}

/** A text box that sends its text to a text route (`POST /classify`) and shows the class probabilities as bars. */
export function textPanel(name: string, path: string): HTMLElement {
  const text = h('textarea', { id: 'try-text', rows: 6 });
  const result = h('div', { id: 'text-result', 'aria-live': 'polite' });
  const send = async (event: Event) => {
    event.preventDefault();
    fill(result, h('p', { class: 'meta' }, 'Classifying…'));
    try {
      const { answer, latency } = await ask(path, JSON.stringify({ text: text.value }), 'application/json', classScores);
      showAnswer(result, answer, latency, 'text-top-label');
    } catch (err) {
      fill(result, h('p', { class: 'error', role: 'alert' }, describeError(err)));
    }
  };
  return h(
    'section',
    { 'aria-labelledby': 'try-text-title' },
    h('h2', { id: 'try-text-title' }, 'Text'),
    h('p', { class: 'meta' }, `Sends the text to the ${name} function (POST ${path}) and shows the probability of its top ${TOP_K} classes.`),
    h('form', { onsubmit: (e) => void send(e) }, h('label', { for: 'try-text' }, 'Text to classify'), text, h('p', {}, h('button', { type: 'submit' }, 'Classify'))),
    result,
  );
}
