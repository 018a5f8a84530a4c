import { describeError } from './api.js';
import { bucketsPage } from './buckets-page.js';
import { fill, h } from './dom.js';
import { functionsPage } from './functions-page.js';
import { invocationsPage } from './invocations-page.js';
import { tryPage } from './try-page.js';

/** A page renders into `main` and may return what to undo when it is left. */
type Page = (main: HTMLElement) => Promise<void | (() => void)>;

const PAGES: Record<string, { title: string; render: Page }> = {
  functions: { title: 'Functions', render: functionsPage },
  invocations: { title: 'Invocations', render: invocationsPage },
  buckets: { title: 'Buckets', render: bucketsPage },
  try: { title: 'Try it', render: tryPage },
};

let leave: (() => void) | undefined;

/** Show the page the address names (`#invocations`…), Functions by default. */
async function route(): Promise<void> {
  const name = location.hash.slice(1) in PAGES ? location.hash.slice(1) : 'functions';
  const page = PAGES[name] as { title: string; render: Page };
  leave?.();
  leave = undefined;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    if (link.hash === `#${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const main = document.getElementById('main') as HTMLElement;
  document.title = `${page.title} · ${document.title.split(' · ').slice(-2).join(' · ')}`;
  try {
    leave = (await page.render(main)) ?? undefined;
  } catch (err) {
    fill(main, h('h1', {}, page.title), h('p', { class: 'error' }, describeError(err)));
  }
  main.dataset.page = name;
}

window.addEventListener('hashchange', () => {
  void route().then(() => document.getElementById('main')?.focus());
});
void route();
