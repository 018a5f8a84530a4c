import { apiUrl, change, describeError, getJson } from './api.js';
import { confirmAction, fill, h, toast } from './dom.js';
import { clock } from './format.js';

interface ModelRef {
  bucket: string;
  name: string;
}

type Signature = { state: 'verified' } | { state: 'rejected'; reason: string } | { state: 'signed' } | { state: 'unsigned' };

interface VersionView {
  version: string;
  createdAt: string;
  metrics: Record<string, number>;
  runId?: string;
  signature: Signature;
  report?: { html: boolean; accuracy?: number; promoted?: boolean; reason?: string };
}

interface AliasView {
  alias: string;
  version: string;
  previous: string | null;
  updatedAt: string;
  history: { version: string; updatedAt: string }[];
  signed: boolean;
}

interface ModelDetail {
  bucket: string;
  name: string;
  verifies: boolean;
  versions: VersionView[];
  aliases: AliasView[];
}

const pct = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(2)}%`);

/**
 * Models: each model's versions (metrics, signature, report), its aliases
 * with their history, promotion and rollback (both confirmed first), and a
 * version's evaluation report in a sandboxed frame.
 */
export async function modelsPage(main: HTMLElement): Promise<void> {
  const { models } = await getJson<{ models: ModelRef[] }>('models');
  if (!models.length) {
    fill(main, h('h1', {}, 'Models'), h('p', {}, 'No models in this app’s buckets yet (a model store keeps them under models/).'));
    return;
  }
  const picker = h('select', { id: 'model' }, ...models.map((m, i) => h('option', { value: String(i) }, `${m.name} (bucket ${m.bucket})`)));
  const body = h('div', { id: 'model-detail' });
  const load = async () => {
    const ref = models[Number(picker.value)] as ModelRef;
    try {
      const detail = await getJson<ModelDetail>(`models/${encodeURIComponent(ref.bucket)}/${encodeURIComponent(ref.name)}`);
      renderDetail(body, detail, load);
    } catch (err) {
      fill(body, h('p', { class: 'error' }, describeError(err)));
    }
  };
  picker.addEventListener('change', () => void load());
  fill(main, h('h1', {}, 'Models'), models.length > 1 ? h('div', {}, h('label', { for: 'model' }, 'Model'), picker) : null, body);
  await load();
}

function renderDetail(body: HTMLElement, d: ModelDetail, reload: () => Promise<void>): void {
  const base = `models/${encodeURIComponent(d.bucket)}/${encodeURIComponent(d.name)}`;
  const report = h('section', { id: 'report', 'aria-live': 'polite' });
  const target = h('input', { type: 'text', id: 'promote-alias', value: d.aliases[0]?.alias ?? 'production', autocomplete: 'off', 'aria-describedby': 'promote-help' });
  const aliasOf = (version: string) => d.aliases.filter((a) => a.version === version).map((a) => a.alias);

  const promote = async (version: string, alias: string, rollback: boolean) => {
    const current = d.aliases.find((a) => a.alias === alias)?.version ?? null;
    const question = rollback
      ? `Roll ${d.name}@${alias} back from ${current} to ${version}? Servers using ${alias} switch on their next check.`
      : `Point ${d.name}@${alias} at version ${version}${current ? ` (now ${current})` : ' (a new alias)'}? Servers using ${alias} switch on their next check.`;
    if (!(await confirmAction(question, rollback ? 'Roll back' : 'Promote'))) return;
    try {
      const body = new Blob([JSON.stringify({ alias, version, expected: current })]);
      await change('POST', `${base}/promote`, body, 'application/json');
      toast(`${d.name}@${alias} now points at ${version}`);
      await reload();
      // The button that was pressed is gone with the old table: keep keyboard users where the change shows.
      document.getElementById('aliases-h')?.focus();
    } catch (err) {
      toast(describeError(err));
    }
  };

  const showReport = (v: VersionView) => {
    fill(
      report,
      h('h2', {}, `Report of ${v.version}`),
      h('iframe', {
        class: 'report',
        title: `Evaluation report of ${d.name} ${v.version}`,
        // No allow-scripts, no allow-same-origin: the document cannot run code or reach the console.
        sandbox: '',
        referrerpolicy: 'no-referrer',
        src: apiUrl(`${base}/report?version=${encodeURIComponent(v.version)}`),
      }),
    );
    report.scrollIntoView({ block: 'nearest' });
  };

  const aliasRows = d.aliases.map((a) => {
    const back = h('button', { type: 'button', class: 'secondary', disabled: !a.previous || a.previous === a.version, 'aria-label': `Roll back ${a.alias}` }, 'Roll back');
    back.addEventListener('click', () => void promote(a.previous as string, a.alias, true));
    return h(
      'tr',
      { 'data-alias': a.alias },
      h('th', { scope: 'row' }, a.alias, a.signed ? h('span', { class: 'badge ok', title: 'signed alias record' }, ' signed') : null),
      h('td', { class: 'mono' }, a.version),
      h('td', { class: 'hide-narrow' }, clock(a.updatedAt)),
      h('td', { class: 'mono hide-narrow' }, a.previous ?? '—'),
      h(
        'td',
        {},
        back,
        h(
          'details',
          { class: 'history' },
          h('summary', {}, `History (${a.history.length})`),
          h('ol', {}, ...a.history.map((e) => h('li', {}, h('span', { class: 'mono' }, e.version), ` at ${new Date(e.updatedAt).toLocaleString()}`))),
        ),
      ),
    );
  });

  const versionRows = d.versions.map((v) => {
    const prom = h('button', { type: 'button', 'aria-label': `Promote ${v.version}` }, 'Promote');
    prom.addEventListener('click', () => {
      const alias = target.value.trim();
      if (!alias) return toast('Name the alias to promote to');
      void promote(v.version, alias, false);
    });
    const open = v.report?.html ? h('button', { type: 'button', class: 'secondary', 'aria-label': `Report of ${v.version}`, 'aria-controls': 'report' }, 'Report') : null;
    open?.addEventListener('click', () => showReport(v));
    const aliases = aliasOf(v.version);
    return h(
      'tr',
      { 'data-version': v.version },
      h('td', { class: 'mono' }, v.version, ...aliases.map((a) => h('span', { class: 'badge alias' }, a))),
      h('td', { class: 'hide-narrow' }, new Date(v.createdAt).toLocaleString()),
      h('td', { class: 'num' }, pct(v.report?.accuracy)),
      h('td', { class: 'num hide-narrow' }, pct(v.metrics.trainAccuracy ?? v.metrics.accuracy)),
      h('td', {}, signatureBadge(v.signature, d.verifies)),
      h('td', { class: 'hide-narrow' }, v.report?.promoted === undefined ? '—' : v.report.promoted ? 'promoted' : 'not promoted', v.report?.reason ? h('div', { class: 'meta' }, v.report.reason) : null),
      h('td', { class: 'actions' }, prom, ' ', open),
    );
  });

  fill(
    body,
    h('h2', { id: 'aliases-h', tabindex: -1 }, `Aliases of ${d.name}`),
    d.aliases.length
      ? h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { id: 'aliases' },
            h('thead', {}, h('tr', {}, ...['Alias', 'Version', 'Since', 'Previous', 'Actions'].map((t, i) => h('th', { scope: 'col', class: i === 2 || i === 3 ? 'hide-narrow' : undefined }, t)))),
            h('tbody', {}, ...aliasRows),
          ),
        )
      : h('p', { class: 'meta' }, 'No aliases yet: promote a version below.'),
    h('h2', {}, `Versions (${d.versions.length}, newest first)`),
    h('div', { class: 'row' }, h('div', {}, h('label', { for: 'promote-alias' }, 'Promote to alias'), target), h('p', { id: 'promote-help', class: 'meta' }, 'Each Promote button asks before moving this alias.')),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { id: 'versions' },
        h(
          'thead',
          {},
          h('tr', {}, ...['Version', 'Created', 'Test accuracy', 'Train accuracy', 'Signature', 'Evaluation', 'Actions'].map((t, i) => h('th', { scope: 'col', class: [i === 2 || i === 3 ? 'num' : '', i === 1 || i === 3 || i === 5 ? 'hide-narrow' : ''].join(' ').trim() || undefined }, t))),
        ),
        h('tbody', {}, ...versionRows),
      ),
    ),
    report,
  );
}

function signatureBadge(s: Signature, verifies: boolean): HTMLElement {
  switch (s.state) {
    case 'verified':
      return h('span', { class: 'badge ok' }, '✓ verified');
    case 'rejected':
      return h('span', { class: 'badge error' }, `✗ rejected: ${s.reason}`);
    case 'signed':
      return h('span', { class: 'badge', title: verifies ? '' : 'no verify key configured here' }, 'signed, not verified');
    case 'unsigned':
      return h('span', { class: 'badge warn' }, 'unsigned');
  }
}
