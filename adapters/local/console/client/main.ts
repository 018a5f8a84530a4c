import { describeError, getJson } from './api.js';
import { bucketsPage } from './buckets-page.js';
import { costPage } from './cost-page.js';
import { fill, h } from './dom.js';
import { functionsPage } from './functions-page.js';
import { invocationsPage } from './invocations-page.js';
import { modelsPage } from './models-page.js';
import { trainingPage } from './training-page.js';
import { tryPage } from './try-page.js';

/** A page renders into `main` and may return what to undo when it is left. */
type Page = (main: HTMLElement) => Promise<void | (() => void)>;

/** Every page: one entry here and one link in the nav of `assets.ts`. */
const PAGES: Record<string, { title: string; render: Page }> = {
  functions: { title: 'Functions', render: functionsPage },
  invocations: { title: 'Invocations', render: invocationsPage },
  buckets: { title: 'Buckets', render: bucketsPage },
  models: { title: 'Models', render: modelsPage },
  training: { title: 'Training', render: trainingPage },
  try: { title: 'Try it', render: tryPage },
  cost: { title: 'Cost', render: costPage },
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
void showSession();

/** Who the console serves, and whether they may change things, in the header. */
async function showSession(): Promise<void> {
  try {
    const session = await getJson<{ access: string; subject: string; canWrite: boolean }>('session');
    const el = document.getElementById('session');
    if (el && session.access === 'app-auth') el.textContent = `${session.subject}${session.canWrite ? '' : ' · read-only'}`;
  } catch {
    // The pages say what went wrong.
  }
}
