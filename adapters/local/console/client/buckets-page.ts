import { apiUrl, change, describeError, getJson } from './api.js';
import { confirmAction, fill, h, toast } from './dom.js';
import { bytes } from './format.js';

interface ObjectView {
  key: string;
  size: number;
  contentType: string;
  lastModified: string;
}

const PAGE_SIZE = 25;
const IMAGE = /^image\/(png|jpeg|gif|webp)$/;
const TEXT = /^(text\/|application\/(json|x-ndjson))/;
/** Largest text object previewed in the page. */
const MAX_TEXT_PREVIEW = 256 * 1024;

/** Buckets: browse by prefix a page at a time, preview, download, upload (which fires triggers), delete. */
export async function bucketsPage(main: HTMLElement): Promise<void> {
  const { buckets } = await getJson<{ buckets: string[] }>('buckets');
  if (!buckets.length) {
    fill(main, h('h1', {}, 'Buckets'), h('p', {}, 'This app declares no buckets.'));
    return;
  }
  const bucketSelect = h('select', { id: 'bucket' }, ...buckets.map((b) => h('option', { value: b }, b)));
  const prefixInput = h('input', { type: 'text', id: 'prefix', placeholder: 'e.g. raw/', autocomplete: 'off' });
  const listing = h('div', { id: 'listing' });
  const pager = h('div', { class: 'row' });
  const preview = h('div', { id: 'preview', class: 'preview', 'aria-live': 'polite' });
  const fileInput = h('input', { type: 'file', id: 'upload-file' });
  const keyInput = h('input', { type: 'text', id: 'upload-key', autocomplete: 'off' });
  let cursors: (string | undefined)[] = [undefined];

  const url = (what: string, params: Record<string, string>) => `buckets/${encodeURIComponent(bucketSelect.value)}/${what}?${new URLSearchParams(params).toString()}`;

  const load = async (page: number) => {
    fill(listing, h('p', { class: 'meta' }, 'Loading…'));
    try {
      const cursor = cursors[page];
      const result = await getJson<{ objects: ObjectView[]; cursor?: string }>(
        url('objects', { prefix: prefixInput.value, pageSize: String(PAGE_SIZE), ...(cursor ? { cursor } : {}) }),
      );
      cursors = cursors.slice(0, page + 1);
      if (result.cursor) cursors.push(result.cursor);
      renderListing(result.objects);
      const prev = h('button', { type: 'button', class: 'secondary', disabled: page === 0 }, 'Previous page');
      const next = h('button', { type: 'button', class: 'secondary', disabled: !result.cursor }, 'Next page');
      prev.addEventListener('click', () => void load(page - 1));
      next.addEventListener('click', () => void load(page + 1));
      fill(pager, prev, h('span', { class: 'meta' }, `Page ${page + 1}`), next);
    } catch (err) {
      fill(listing, h('p', { class: 'error' }, describeError(err)));
    }
  };

  const renderListing = (objects: ObjectView[]) => {
    if (!objects.length) {
      fill(listing, h('p', { class: 'meta' }, `No objects under “${prefixInput.value}”.`));
      return;
    }
    const rows = objects.map((o) => {
      const open = h('button', { type: 'button', class: 'linklike', 'aria-controls': 'preview' }, o.key);
      open.addEventListener('click', () => void showPreview(o));
      const del = h('button', { type: 'button', class: 'danger', 'aria-label': `Delete ${o.key}` }, 'Delete');
      del.addEventListener('click', () => void remove(o));
      const folder = o.key.lastIndexOf('/') > prefixInput.value.length ? o.key.slice(0, o.key.indexOf('/', prefixInput.value.length) + 1) : undefined;
      const into = folder ? h('button', { type: 'button', class: 'linklike', title: `Browse ${folder}` }, '▸') : null;
      into?.addEventListener('click', () => {
        prefixInput.value = folder ?? '';
        cursors = [undefined];
        void load(0);
      });
      return h(
        'tr',
        { 'data-key': o.key },
        h('td', {}, into, ' ', open),
        h('td', { class: 'num' }, bytes(o.size)),
        h('td', { class: 'hide-narrow' }, o.contentType),
        h('td', { class: 'hide-narrow' }, new Date(o.lastModified).toLocaleString()),
        h('td', {}, h('a', { href: apiUrl(url('object', { key: o.key, download: '1' })), download: '' }, 'Download'), ' ', del),
      );
    });
    fill(
      listing,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { id: 'objects' },
          h('thead', {}, h('tr', {}, ...['Key', 'Size', 'Type', 'Modified', 'Actions'].map((t, i) => h('th', { scope: 'col', class: i === 1 ? 'num' : i === 2 || i === 3 ? 'hide-narrow' : undefined }, t)))),
          h('tbody', {}, ...rows),
        ),
      ),
    );
  };

  const showPreview = async (o: ObjectView) => {
    const src = apiUrl(url('object', { key: o.key }));
    const heading = h('h2', {}, o.key);
    if (IMAGE.test(o.contentType)) {
      fill(preview, heading, h('img', { src, alt: `Preview of ${o.key}` }));
      return;
    }
    if (TEXT.test(o.contentType) && o.size <= MAX_TEXT_PREVIEW) {
      try {
        const res = await fetch(src);
        let text = await res.text();
        if (o.contentType.startsWith('application/json')) {
          try {
            text = JSON.stringify(JSON.parse(text), null, 2);
          } catch {
            // Not valid JSON after all: shown as it is.
          }
        }
        fill(preview, heading, h('pre', {}, text));
      } catch (err) {
        fill(preview, heading, h('p', { class: 'error' }, describeError(err)));
      }
      return;
    }
    fill(preview, heading, h('p', { class: 'meta' }, `${o.contentType}, ${bytes(o.size)}: no preview; use Download.`));
  };

  const remove = async (o: ObjectView) => {
    if (!(await confirmAction(`Delete ${o.key} from bucket ${bucketSelect.value}? Storage triggers for deletions will fire.`, 'Delete'))) return;
    try {
      await change('DELETE', url('object', { key: o.key }));
      toast(`Deleted ${o.key}`);
      fill(preview);
      await load(cursors.length > 1 ? cursors.length - 2 : 0);
    } catch (err) {
      toast(describeError(err));
    }
  };

  const upload = async (event: Event) => {
    event.preventDefault();
    const file = fileInput.files?.[0];
    if (!file) return toast('Choose a file first');
    const key = keyInput.value || `${prefixInput.value}${file.name}`;
    try {
      await change('PUT', url('object', { key }), file, file.type || 'application/octet-stream');
      toast(`Uploaded ${key}; triggers fire now`);
      await load(0);
    } catch (err) {
      toast(describeError(err));
    }
  };
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    if (file) keyInput.value = `${prefixInput.value}${file.name}`;
  });

  const browse = (event: Event) => {
    event.preventDefault();
    cursors = [undefined];
    void load(0);
  };
  bucketSelect.addEventListener('change', browse);

  fill(
    main,
    h('h1', {}, 'Buckets'),
    h(
      'form',
      { class: 'row', onsubmit: browse, 'aria-label': 'Browse' },
      h('div', {}, h('label', { for: 'bucket' }, 'Bucket'), bucketSelect),
      h('div', { class: 'grow' }, h('label', { for: 'prefix' }, 'Prefix'), prefixInput),
      h('div', {}, h('button', { type: 'submit' }, 'Browse')),
    ),
    listing,
    pager,
    preview,
    h(
      'form',
      { class: 'panel', onsubmit: (e) => void upload(e), 'aria-labelledby': 'upload-h' },
      h('h2', { id: 'upload-h' }, 'Upload'),
      h('label', { for: 'upload-file' }, 'File'),
      fileInput,
      h('label', { for: 'upload-key' }, 'Key'),
      keyInput,
      h('p', {}, h('button', { type: 'submit' }, 'Upload')),
    ),
  );
  await load(0);
}
