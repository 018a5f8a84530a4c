import { fill, h } from './dom.js';
import type { FunctionView } from './functions-page.js';
import { loadFunctions } from './functions-page.js';
import { imagePanel } from './try-image.js';
import { textPanel } from './try-text.js';

/** The kinds of prediction the page can try: the route each is served on, and the panel that sends to it. */
const KINDS: { path: string; panel: (name: string, path: string) => HTMLElement }[] = [
  { path: '/predict', panel: imagePanel },
  { path: '/classify', panel: textPanel },
];

/** The app's function that answers POST on `path`, if any. */
function route(functions: FunctionView[], path: string): FunctionView | undefined {
  return functions.find((f) => f.trigger.type === 'http' && f.trigger.path === path && (f.trigger.method === 'POST' || f.trigger.method === '*'));
}

/**
 * Try it: one panel per kind of prediction the app serves, found among its
 * HTTP routes (an image route `POST /predict`, a text route `POST /classify`),
 * each showing the answer as bars with the round trip's latency.
 */
export async function tryPage(main: HTMLElement): Promise<void> {
  const { functions } = await loadFunctions();
  const panels = KINDS.flatMap(({ path, panel }) => {
    const fn = route(functions, path);
    return fn ? [panel(fn.name, path)] : [];
  });
  if (!panels.length) {
    fill(main, h('h1', {}, 'Try it'), h('p', {}, `This app has no function to try: none answers ${KINDS.map((k) => `POST ${k.path}`).join(' or ')}.`));
    return;
  }
  fill(main, h('h1', {}, 'Try it'), ...panels);
}
