/* global document, window, location, Blob, URL, FileReader */
// The operator console: every feed, failure and waiting record on one page, with the actions
// that fix them (re-drive dead letters, re-import a corrected file, re-send records NetSuite
// refused), each confirmed and audited. Plain DOM, no build step, no external code (the CSP
// allows only this site's scripts and styles). One API route per view (`/console/<view>`); the
// view is the page's address (`#/health`, `#/failures`, …), so a reload comes back to it. It
// refreshes itself every 30 seconds, not while a form or a confirmation is open.
import { api, session, signInView, signOut, startAuth } from '../common/auth.js';
import { h, say, confirmAction, refusal, $, enc } from '../common/dom.js';

const REFRESH_MS = 30_000;

const VIEWS = [
  { id: 'health', label: 'Health' },
  { id: 'failures', label: 'Failures' },
  { id: 'waiting', label: 'Waiting' },
  { id: 'charts', label: 'Charts' },
  { id: 'lookup', label: 'Lookup' },
  { id: 'activity', label: 'Activity' },
];

const when = (iso) => (iso ? String(iso).replace('T', ' ').slice(0, 19) : '—');
const ms = (n) =>
  n === undefined || n === null ? '—' : n < 1000 ? `${n} ms` : `${(n / 1000).toFixed(1)} s`;
const num = (n) => (n === undefined || n === null ? '—' : String(n));
const base = (key) =>
  String(key ?? '')
    .split('/')
    .pop();

/** A table; `cols`: [{label, num?}], rows: arrays of cells. Stacks into lines on a phone. */
function table(caption, cols, rows, attrs = {}) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'stack', ...attrs },
      h('caption', { class: 'muted' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          cols.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : undefined }, c.label)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          h(
            'tr',
            r.attrs ?? {},
            (r.cells ?? r).map((cell, i) =>
              h(
                'td',
                {
                  'data-label': cols[i].label || undefined,
                  class: cols[i].num ? 'num' : undefined,
                },
                cell,
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function card(title, ...children) {
  const id = `h-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': id },
    h('h2', { id }, title),
    ...children,
  );
}

const badge = (state) => h('span', { class: `badge ${state}` }, state);

/** Saves text as a file in the browser (a download, no navigation). */
function download(name, text, type = 'text/csv') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function downloadKept(key) {
  try {
    const file = await api('GET', `/console/file?key=${enc(key)}`);
    download(base(key), file.content);
    say(`Downloaded ${base(key)}.`);
  } catch (err) {
    if (err.status !== 401) say(refusal(err), 'error');
  }
}

/** Runs an action after the confirmation, says the outcome, shows the view again. */
async function act(button, { title, text, ok }, call, done) {
  if (!(await confirmAction(title, text, ok))) return false;
  button.disabled = true;
  try {
    const r = await call();
    say(done(r));
    await render({ quiet: true });
    return true;
  } catch (err) {
    if (err.status !== 401) say(refusal(err), 'error');
    button.disabled = false;
    return false;
  }
}

// ── Health ─────────────────────────────────────────────────────────────────────────────────

function healthView(v) {
  const s = v.summary;
  const out = [
    h(
      'h1',
      { tabindex: -1 },
      s.failing || v.alarms.length ? 'Health: needs attention' : 'Health: all well',
    ),
    h(
      'p',
      { class: 'summary', 'aria-label': 'Feeds and jobs by state' },
      h('span', {}, badge('ok'), ` ${s.ok}`),
      h('span', {}, badge('late'), ` ${s.late}`),
      h('span', {}, badge('failing'), ` ${s.failing}`),
      h('span', {}, badge('idle'), ` ${s.idle}`),
      h('span', { class: 'muted' }, `as of ${when(v.at)}`),
    ),
  ];
  out.push(
    h(
      'div',
      { class: 'grid' },
      card(
        `Alarms in alarm (${v.alarms.length})`,
        v.alarms.length
          ? h(
              'ul',
              { id: 'alarms' },
              v.alarms.map((a) =>
                h(
                  'li',
                  {},
                  h('strong', {}, a.name),
                  `: ${a.reason}`,
                  a.since ? h('span', { class: 'muted' }, ` (since ${when(a.since)})`) : '',
                ),
              ),
            )
          : h('p', { class: 'empty' }, 'No alarm.'),
      ),
      card(
        `Dead letters (${v.deadLetters.total})`,
        v.deadLetters.total
          ? h(
              'ul',
              {},
              v.deadLetters.queues.map((q) =>
                h('li', {}, `${q.queue}: ${q.count} (oldest ${when(q.oldestAt)})`),
              ),
              h('li', {}, h('a', { href: '#/failures' }, 'Re-drive them on Failures')),
            )
          : h('p', { class: 'empty' }, 'None waiting.'),
      ),
      card(
        'Reservations',
        v.reservations
          ? h(
              'p',
              {},
              `Reconciled ${when(v.reservations.at)}: ${v.reservations.checked} SKU × facility pairs, drift repaired on ${v.reservations.driftRepaired} (${v.reservations.driftUnits} units); holds older than the maximum age: ${v.reservations.staleHolds} (${v.reservations.staleHeldUnits} units).`,
            )
          : h('p', { class: 'empty' }, 'The reconcile job has not run yet.'),
      ),
    ),
  );
  out.push(
    card(
      'Feeds and jobs',
      table(
        'Every feed of the catalog and every core job, with its last run',
        [
          { label: 'Feed or job' },
          { label: 'State' },
          { label: 'Schedule' },
          { label: 'Last run' },
          { label: 'Last file' },
          { label: 'Applied', num: true },
          { label: 'Refused', num: true },
          { label: 'Duration', num: true },
        ],
        v.functions.map((f) => ({
          attrs: { 'data-function': f.id, 'data-state': f.state },
          cells: [
            h('span', {}, h('strong', {}, f.id), h('br'), h('span', { class: 'muted' }, f.title)),
            h(
              'span',
              {},
              badge(f.state),
              h('br'),
              h('span', { class: f.state === 'failing' ? 'reason' : 'muted' }, f.why),
            ),
            h('code', {}, f.schedule),
            when(f.lastRunAt),
            f.lastFile ?? '—',
            num(f.applied),
            num(f.refused),
            ms(f.durationMs),
          ],
        })),
      ),
    ),
  );
  return out;
}

// ── Failures ───────────────────────────────────────────────────────────────────────────────

/** The place a correction form is open (kept across refreshes: refreshing pauses meanwhile). */
let editing;

function reimportForm(item, content) {
  const id = `fix-${item.key.replace(/[^A-Za-z0-9]/g, '-')}`;
  const area = h('textarea', { id, name: 'content', spellcheck: 'false', required: true });
  area.value = content;
  const picker = h('input', {
    id: `${id}-file`,
    type: 'file',
    accept: '.csv,.json,text/csv,application/json',
  });
  picker.addEventListener('change', () => {
    const f = picker.files?.[0];
    if (!f) return;
    const reader = new FileReader();
    reader.onload = () => {
      area.value = String(reader.result ?? '');
    };
    reader.readAsText(f);
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Re-import');
  const form = h(
    'form',
    { class: 'panel', 'aria-label': `Correct ${item.name}` },
    h(
      'label',
      { for: id },
      item.kind === 'error-report'
        ? 'Header and the refused rows, corrected'
        : 'The file, corrected',
    ),
    area,
    h('label', { for: `${id}-file` }, 'Or load the corrected file'),
    picker,
    h(
      'div',
      { class: 'actions' },
      submit,
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            editing = undefined;
            render({ quiet: true });
          },
        },
        'Cancel',
      ),
    ),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const ok = await act(
      submit,
      {
        title: 'Re-import the corrected file?',
        text: `It is written to the ${item.feedTitle} folder as ${item.originalName} and imported like an upload; ${item.name} is marked fixed. The action is audited.`,
        ok: 'Re-import',
      },
      () => api('POST', '/console/files/reimport', { key: item.key, content: area.value }),
      (r) => `Re-imported as ${base(r.result.reimportedAs)}: the import takes it now.`,
    );
    if (ok) editing = undefined;
  });
  window.setTimeout(() => area.focus(), 0);
  return form;
}

async function openEditor(item) {
  try {
    let content;
    if (item.kind === 'error-report') {
      const source = await api('GET', `/console/file?key=${enc(item.sourceKey)}`).catch(() => ({
        content: '',
      }));
      const header = source.content.split(/\r?\n/)[0] ?? '';
      const report = await api('GET', `/console/file?key=${enc(item.key)}`);
      const rows = parseCsv(report.content).slice(1);
      const rawAt = 4;
      content = [
        header,
        ...rows.map((r) => r[rawAt] ?? '').map((raw) => raw.replace(/^'/, '')),
      ].join('\n');
    } else {
      content = (await api('GET', `/console/file?key=${enc(item.key)}`)).content;
    }
    editing = { key: item.key, content };
    await render({ quiet: true });
  } catch (err) {
    if (err.status !== 401) say(refusal(err), 'error');
  }
}

/** A small CSV reader (quoted fields, doubled quotes, CRLF) for the error reports. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

function fileItem(item) {
  const isReport = item.kind === 'error-report';
  const fix = h(
    'button',
    { type: 'button', onclick: () => openEditor(item) },
    isReport ? 'Correct refused rows and re-import…' : 'Correct and re-import…',
  );
  const canFix = !isReport || item.rowsReimportable;
  return h(
    'article',
    { class: 'item', 'data-file': item.key },
    h('h3', {}, item.name),
    h('p', { class: 'muted' }, `${item.feedTitle} · ${when(item.at)}`),
    isReport
      ? h('p', {}, `${item.refusedRows} row(s) refused`)
      : h('p', { class: 'reason' }, item.reason),
    isReport
      ? table(
          `Refused rows of ${item.name}`,
          [
            { label: 'Line', num: true },
            { label: 'Field' },
            { label: 'Reason' },
            { label: 'Row as received' },
          ],
          item.rows.map((r) => [
            String(r.line),
            r.field,
            h('span', { class: 'reason' }, r.reason),
            h('span', { class: 'raw' }, r.raw),
          ]),
        )
      : undefined,
    isReport && !item.rowsReimportable
      ? h(
          'p',
          { class: 'notice' },
          'A snapshot replaces the whole picture: send a whole corrected snapshot over SFTP.',
        )
      : undefined,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', onclick: () => downloadKept(item.key) },
        isReport ? 'Download report' : 'Download file',
      ),
      item.errorReport
        ? h(
            'button',
            { type: 'button', onclick: () => downloadKept(item.errorReport) },
            'Download error report',
          )
        : undefined,
      canFix ? fix : undefined,
    ),
    editing?.key === item.key ? reimportForm(item, editing.content) : undefined,
  );
}

function deadLettersCard(letters) {
  const all = h(
    'button',
    { type: 'button', class: 'primary', id: 'redrive-all' },
    `Re-drive all (${letters.length})`,
  );
  all.addEventListener('click', () =>
    act(
      all,
      {
        title: `Re-drive ${letters.length} message(s)?`,
        text: 'Every message goes back to its queue and its file is imported again. Fix the cause first. The action is audited.',
        ok: 'Re-drive all',
      },
      () => api('POST', '/console/dead-letters/redrive', { all: true }),
      (r) =>
        `Re-drove ${r.result.redriven.length || 'every'} message(s): they are delivered again now.`,
    ),
  );
  return card(
    `Dead letters (${letters.length})`,
    letters.length
      ? [
          h('div', { class: 'actions' }, all),
          letters.map((d) => {
            const one = h('button', { type: 'button' }, 'Re-drive');
            one.addEventListener('click', () =>
              act(
                one,
                {
                  title: 'Re-drive this message?',
                  text: `${base(d.key)} (${d.queue}) goes back to its queue and is imported again. The action is audited.`,
                  ok: 'Re-drive',
                },
                () => api('POST', '/console/dead-letters/redrive', { ids: [d.id] }),
                () => `Re-drove ${base(d.key)}: it is delivered again now.`,
              ),
            );
            return h(
              'article',
              { class: 'item', 'data-dead-letter': d.id },
              h('h3', {}, base(d.key)),
              h(
                'p',
                { class: 'muted' },
                `${d.queue} · parked ${when(d.at)} after ${d.receives} receive(s)`,
              ),
              h('p', { class: 'reason' }, d.error ?? 'SQS keeps no error: see the function’s log'),
              h('div', { class: 'actions' }, one),
            );
          }),
        ]
      : h('p', { class: 'empty' }, 'No message waits in a dead-letter queue.'),
  );
}

function refusedCard(netsuite) {
  const groups = netsuite.refused.filter((g) => g.records.length);
  const waiting = groups.reduce((n, g) => n + g.waitingForFix, 0);
  return card(
    `Refused by NetSuite (${waiting} waiting for a fix)`,
    groups.length
      ? groups.map((g) => {
          const all = h('button', { type: 'button' }, `Re-send all refused ${g.outbox}`);
          all.addEventListener('click', () =>
            act(
              all,
              {
                title: `Re-send every refused ${g.outbox} record?`,
                text: `They go with the next ${g.feed} run, whatever their rows. The action is audited.`,
                ok: 'Re-send all',
              },
              () => api('POST', '/console/refusals/resend', { outbox: g.outbox, all: true }),
              (r) => `${r.result.asked.length} record(s) go with the next ${g.feed} run.`,
            ),
          );
          return h(
            'div',
            {},
            h('h3', {}, g.feed),
            table(
              `Records of ${g.feed} NetSuite refused`,
              [
                { label: 'Record' },
                { label: 'State' },
                { label: 'NetSuite said' },
                { label: 'File' },
                { label: '' },
              ],
              g.records.map((r) => {
                const one = h('button', { type: 'button' }, 'Re-send');
                one.addEventListener('click', () =>
                  act(
                    one,
                    {
                      title: `Re-send ${r.id}?`,
                      text: `${g.outbox} ${r.id} goes with the next ${g.feed} run, whatever its rows. Fix it in NetSuite or here first. The action is audited.`,
                      ok: 'Re-send',
                    },
                    () => api('POST', '/console/refusals/resend', { outbox: g.outbox, id: r.id }),
                    () => `${r.id} goes with the next ${g.feed} run.`,
                  ),
                );
                return {
                  attrs: { 'data-refused': `${g.outbox}/${r.id}` },
                  cells: [
                    r.id,
                    r.state,
                    h('span', { class: 'reason' }, r.message),
                    r.file,
                    r.state === 'waiting for a fix' ? one : '',
                  ],
                };
              }),
            ),
            g.waitingForFix ? h('div', { class: 'actions' }, all) : undefined,
          );
        })
      : h('p', { class: 'empty' }, 'NetSuite refused no record.'),
    netsuite.failedFiles.length
      ? table(
          'Files NetSuite failed whole',
          [
            { label: 'Feed' },
            { label: 'File' },
            { label: 'When' },
            { label: 'Records', num: true },
            { label: 'Message' },
          ],
          netsuite.failedFiles.map((f) => [
            f.feed,
            f.name,
            when(f.failedAt),
            String(f.records),
            f.message,
          ]),
        )
      : undefined,
    netsuite.unexplained.length
      ? table(
          `Exceptions nothing explains (${netsuite.unexplainedTotal}; oms sync dismiss once handled)`,
          [{ label: 'File' }, { label: 'What' }, { label: 'Reason' }, { label: 'Message' }],
          netsuite.unexplained.map((u) => [u.file, u.source, u.reason, u.message ?? '']),
        )
      : undefined,
  );
}

function fixedCard(fixed) {
  if (!fixed.length) return undefined;
  return card(
    `Fixed from the console (${fixed.length})`,
    h(
      'ul',
      { id: 'fixed' },
      fixed.map((f) => {
        const o = f.resolved.outcome;
        const result =
          o.result === 'waiting'
            ? 'waiting to be imported'
            : o.result === 'archived'
              ? `imported: ${o.applied} row(s) applied, ${o.rejected} refused`
              : `failed again: ${o.reason ?? ''}`;
        return h(
          'li',
          { 'data-fixed': f.key },
          h('strong', {}, f.name),
          ` re-imported as ${base(f.resolved.reimportedAs)} by ${f.resolved.actor} at ${when(f.resolved.at)}: `,
          h('span', { class: o.result === 'failed' ? 'reason' : 'fixed' }, result),
        );
      }),
    ),
  );
}

function failuresView(v) {
  const open = v.failedFiles.length + v.errorReports.length + v.deadLetters.length;
  return [
    h('h1', { tabindex: -1 }, open ? `Failures: ${open} to look at` : 'Failures: nothing open'),
    deadLettersCard(v.deadLetters),
    card(
      `Files in failed/ (${v.failedFiles.length})`,
      v.failedFiles.length
        ? v.failedFiles.map(fileItem)
        : h('p', { class: 'empty' }, 'No file waits in failed/.'),
    ),
    card(
      `Error reports, last 14 days (${v.errorReports.length})`,
      v.errorReports.length
        ? v.errorReports.map(fileItem)
        : h('p', { class: 'empty' }, 'No refused rows.'),
    ),
    refusedCard(v.netsuite),
    fixedCard(v.fixed),
  ];
}

// ── Waiting ────────────────────────────────────────────────────────────────────────────────

function waitingView(v) {
  const total = v.ids.reduce((n, g) => n + g.total, 0);
  return [
    h('h1', { tabindex: -1 }, `Waiting: ${total} record(s) for a NetSuite id`),
    v.ids.map((g) =>
      card(
        `${g.title} waiting for a NetSuite id (${g.total})`,
        g.records.length
          ? table(
              `${g.title}, oldest first`,
              [
                { label: 'Id' },
                { label: 'Since' },
                { label: 'Sends', num: true },
                { label: 'Why' },
              ],
              g.records.map((r) => ({
                attrs: { 'data-waiting': `${g.outbox}/${r.id}`, 'data-cause': r.cause },
                cells: [r.id, when(r.since), String(r.sends), r.why],
              })),
            )
          : h('p', { class: 'empty' }, 'None.'),
      ),
    ),
    card(
      `Orders held by a release gate (${v.held.length})`,
      v.held.length
        ? table(
            'Held orders, longest held first',
            [
              { label: 'Order' },
              { label: 'Held since' },
              { label: 'Gate' },
              { label: 'Runs', num: true },
            ],
            v.held.map((x) => [x.orderId, when(x.heldSince), x.gates, String(x.attempts)]),
          )
        : h('p', { class: 'empty' }, 'None.'),
    ),
    card(
      `Unfillable and backordered (${v.parked.length})`,
      v.parked.length
        ? table(
            'Parked orders, oldest first',
            [
              { label: 'Order' },
              { label: 'Queue' },
              { label: 'Since' },
              { label: 'Auto-cancel' },
              { label: 'Why' },
            ],
            v.parked.map((x) => [
              x.orderId,
              x.queue,
              when(x.since),
              x.autoCancelAt ? when(x.autoCancelAt) : 'never',
              x.reason ?? '',
            ]),
          )
        : h('p', { class: 'empty' }, 'None.'),
    ),
  ];
}

// ── Charts ─────────────────────────────────────────────────────────────────────────────────

/** Grouped bars, drawn as SVG; `series`: [{label, cls, values}] over `labels`. */
function barChart(title, labels, series) {
  const W = 640;
  const H = 200;
  const pad = { l: 34, b: 28, t: 8, r: 8 };
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const groupW = (W - pad.l - pad.r) / Math.max(1, labels.length);
  const barW = Math.max(1, (groupW * 0.8) / series.length);
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  const titleEl = document.createElementNS(NS, 'title');
  titleEl.textContent = title;
  svg.append(titleEl);
  const y = (v) => H - pad.b - ((H - pad.t - pad.b) * v) / max;
  for (const tick of [0, max]) {
    const t = document.createElementNS(NS, 'text');
    t.setAttribute('x', '2');
    t.setAttribute('y', String(y(tick) + 3));
    t.textContent = String(tick);
    svg.append(t);
  }
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      if (!v) return;
      const r = document.createElementNS(NS, 'rect');
      r.setAttribute('x', String(pad.l + i * groupW + j * barW));
      r.setAttribute('y', String(y(v)));
      r.setAttribute('width', String(barW));
      r.setAttribute('height', String(H - pad.b - y(v)));
      r.setAttribute('class', s.cls);
      const tip = document.createElementNS(NS, 'title');
      tip.textContent = `${label}: ${s.label} ${v}`;
      r.append(tip);
      svg.append(r);
    });
    if (labels.length <= 14 || i % 3 === 0) {
      const t = document.createElementNS(NS, 'text');
      t.setAttribute('x', String(pad.l + i * groupW));
      t.setAttribute('y', String(H - 8));
      t.textContent = label;
      svg.append(t);
    }
  });
  const legend = h(
    'ul',
    { class: 'legend' },
    series.map((s) =>
      h(
        'li',
        {},
        h('span', { class: `key ${s.cls}`, 'aria-hidden': 'true' }),
        `${s.label}: ${s.values.reduce((a, b) => a + b, 0)}`,
      ),
    ),
  );
  return h('figure', {}, svg, h('figcaption', {}, legend));
}

function chartsView(v) {
  const CLS = ['bar-a', 'bar-b', 'bar-c', 'bar-d'];
  const hours = v.hourly.map((x) => x.hour.slice(11, 13));
  const days = v.daily.days.map((d) => d.slice(5));
  return [
    h('h1', { tabindex: -1 }, 'Charts'),
    card(
      'Last 24 hours, per hour',
      barChart(
        'Orders in, lines brokered, shipped and invoiced per hour',
        hours,
        [
          { label: 'Orders in', key: 'ordersIn' },
          { label: 'Lines brokered', key: 'linesBrokered' },
          { label: 'Lines shipped', key: 'linesShipped' },
          { label: 'Orders invoiced', key: 'ordersInvoiced' },
        ].map((s, i) => ({ label: s.label, cls: CLS[i], values: v.hourly.map((x) => x[s.key]) })),
      ),
    ),
    card(
      'Rows per feed per day, last 14 days',
      v.daily.feeds.length
        ? v.daily.feeds.map((f, i) =>
            h(
              'div',
              {},
              h('h3', {}, f.feed),
              barChart(`Rows of ${f.feed} per day`, days, [
                { label: 'Rows', cls: CLS[i % CLS.length], values: f.rows },
              ]),
            ),
          )
        : h('p', { class: 'empty' }, 'No file imported in the last 14 days.'),
    ),
    card(
      'Import durations (last files)',
      v.durations.length
        ? table(
            'Import duration per feed',
            [
              { label: 'Feed' },
              { label: 'Files', num: true },
              { label: 'p50', num: true },
              { label: 'Slowest', num: true },
              { label: 'Rows of the slowest', num: true },
            ],
            v.durations.map((d) => [
              d.feed,
              String(d.files),
              ms(d.p50Ms),
              ms(d.maxMs),
              String(d.rowsOfMax),
            ]),
          )
        : h('p', { class: 'empty' }, 'No import yet.'),
    ),
  ];
}

// ── Lookup ─────────────────────────────────────────────────────────────────────────────────

let lookup = { kind: undefined, id: '', result: undefined };

function lookupView() {
  const orderForm = h(
    'form',
    { class: 'panel', 'aria-label': 'Look up an order' },
    h('label', { for: 'order-id' }, 'Order (OMS id or storefront id)'),
    h('input', {
      id: 'order-id',
      name: 'id',
      required: true,
      autocomplete: 'off',
      value: lookup.kind === 'order' ? lookup.id : '',
    }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show order')),
  );
  const skuForm = h(
    'form',
    { class: 'panel', 'aria-label': 'Look up a SKU' },
    h('label', { for: 'sku-id' }, 'SKU'),
    h('input', {
      id: 'sku-id',
      name: 'id',
      required: true,
      autocomplete: 'off',
      value: lookup.kind === 'sku' ? lookup.id : '',
    }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Show SKU')),
  );
  const go = (kind, form) => async (e) => {
    e.preventDefault();
    const id = form.id.value.trim();
    try {
      const result = await api(
        'GET',
        kind === 'order' ? `/orders/${enc(id)}` : `/console/skus/${enc(id)}`,
      );
      lookup = { kind, id, result };
      say('');
    } catch (err) {
      if (err.status === 401) return;
      lookup = { kind, id, result: undefined };
      say(refusal(err), 'error');
    }
    await render({ quiet: true });
  };
  orderForm.addEventListener('submit', go('order', orderForm));
  skuForm.addEventListener('submit', go('sku', skuForm));
  return [
    h('h1', { tabindex: -1 }, 'Lookup'),
    h('div', { class: 'grid' }, orderForm, skuForm),
    lookupResult(),
  ];
}

function lookupResult() {
  const r = lookup.result;
  if (!r) return undefined;
  if (lookup.kind === 'sku') {
    return card(
      `SKU ${r.sku}`,
      r.facilities.length
        ? table(
            `${r.sku} per facility`,
            [
              { label: 'Facility' },
              { label: 'NetSuite', num: true },
              { label: 'Reserved', num: true },
              { label: 'Reservations', num: true },
              { label: 'Held', num: true },
              { label: 'Safety', num: true },
              { label: 'Available', num: true },
              { label: 'NetSuite figure as of' },
            ],
            r.facilities.map((f) => [
              f.facilityId,
              String(f.nsQty),
              String(f.reserved),
              String(f.reservations),
              String(f.held),
              String(f.safety),
              String(f.atp),
              `${when(f.nsAt)} ${f.nsFile ? base(f.nsFile) : ''}`,
            ]),
          )
        : h('p', { class: 'empty' }, 'No facility has a figure or a reservation of this SKU.'),
    );
  }
  return orderCards(r.order ?? r);
}

/** `{1200: 2, 3700: 1}` → `2 allocated (1200), 1 shipped (3700)`: the quantity per status in words. */
const STATUS_WORDS = {
  1100: 'created',
  1200: 'allocated',
  1250: 'pre-ordered',
  1300: 'backordered',
  1400: 'backordered from node',
  1500: 'scheduled',
  3200: 'released',
  3350: 'in shipment',
  3700: 'shipped',
  3800: 'delivered',
  9000: 'cancelled',
  9100: 'rejected',
};
const buckets = (b = {}) =>
  Object.entries(b)
    .filter(([, q]) => q > 0)
    .map(([s, q]) => `${q} ${STATUS_WORDS[s] ?? s} (${s})`)
    .join(', ');

/** One order for customer service: header, money, lines, releases, shipments, history. */
function orderCards(o) {
  const m = o.money;
  const facts = [
    ['Storefront id', o.externalId],
    ['Name', o.name],
    ['Placed', when(o.date)],
    ['Channel', o.salesChannel],
    ['NetSuite sales order', o.netsuiteOrderId ?? 'not yet (waiting for its id)'],
  ];
  return [
    card(
      `Order ${o.orderId ?? lookup.id}`,
      h(
        'dl',
        { class: 'facts' },
        ...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]),
      ),
      m
        ? table(
            `Money (${m.currency})`,
            [
              { label: 'Lines', num: true },
              { label: 'Discounts', num: true },
              { label: 'Shipping', num: true },
              { label: 'Taxes', num: true },
              { label: 'Total', num: true },
              { label: 'Expected', num: true },
              { label: 'Paid', num: true },
              { label: 'Invoiced', num: true },
              { label: 'Refund due', num: true },
            ],
            [
              [
                m.lineAmounts,
                m.discounts,
                m.shipping,
                m.taxes,
                m.total,
                m.expected,
                m.paid,
                m.invoiced ?? '—',
                m.refundDue,
              ],
            ],
          )
        : undefined,
    ),
    table(
      'Lines',
      [
        { label: 'Line' },
        { label: 'SKU' },
        { label: 'Ordered', num: true },
        { label: 'Status' },
        { label: 'Quantity per status' },
        { label: 'NetSuite line' },
        { label: 'Holds' },
      ],
      (o.lines ?? []).map((l) => [
        l.lineSeq,
        l.sku,
        String(l.quantity),
        l.status,
        buckets(l.buckets),
        l.netsuiteLineId ?? '—',
        (l.holds ?? []).map((x) => `${x.code}: ${x.reason}`).join('; ') || '—',
      ]),
    ),
    (o.releases ?? []).length
      ? table(
          'Releases',
          [
            { label: 'Line' },
            { label: 'Release' },
            { label: 'Facility' },
            { label: 'Released', num: true },
            { label: 'In shipment', num: true },
            { label: 'Open' },
          ],
          o.releases.map((r) => [
            r.lineSeq,
            r.releaseKey,
            r.facilityId,
            String(r.releasedQty),
            String(r.inShipment),
            r.open ? 'yes' : 'no',
          ]),
        )
      : undefined,
    (o.shipments ?? []).length
      ? table(
          'Shipments',
          [
            { label: 'Line' },
            { label: 'Shipment' },
            { label: 'Facility' },
            { label: 'Quantity', num: true },
            { label: 'Status' },
            { label: 'Tracking' },
            { label: 'Shipped' },
          ],
          o.shipments.map((x) => [
            x.lineSeq,
            x.shipmentKey,
            x.facilityId,
            String(x.quantity),
            x.status,
            [x.carrier, ...(x.trackingNumbers ?? [])].filter(Boolean).join(' ') || '—',
            when(x.shippedAt),
          ]),
        )
      : undefined,
    table(
      'History, oldest first',
      [
        { label: 'When' },
        { label: 'What' },
        { label: 'Line' },
        { label: 'Quantity', num: true },
        { label: 'Where' },
        { label: 'Who' },
        { label: 'Why' },
      ],
      (o.history ?? []).map((e) => [
        when(e.at),
        e.from !== undefined && e.to !== undefined ? `${e.type} ${e.from} → ${e.to}` : e.type,
        e.lineSeq ?? '',
        e.quantity === undefined ? '' : String(e.quantity),
        e.facilityId ?? e.releaseKey ?? e.shipmentKey ?? '',
        e.actor,
        e.reason ?? (e.holds ?? []).join(', '),
      ]),
    ),
  ];
}

// ── Activity ───────────────────────────────────────────────────────────────────────────────

function activityView(v) {
  return [
    h('h1', { tabindex: -1 }, 'Activity'),
    card(
      'Actions taken in the console, last 7 days',
      v.entries.length
        ? table(
            'Audit: who did what, when, and how it came out',
            [
              { label: 'When' },
              { label: 'Who' },
              { label: 'Action' },
              { label: 'On' },
              { label: 'Outcome' },
            ],
            v.entries.map((e) => ({
              attrs: { 'data-audit': e.action },
              cells: [
                when(e.at),
                e.actor,
                e.action,
                h('span', { class: 'raw' }, e.target),
                e.outcome,
              ],
            })),
          )
        : h('p', { class: 'empty' }, 'No action yet.'),
    ),
  ];
}

// ── Rendering ──────────────────────────────────────────────────────────────────────────────

const RENDER = {
  health: healthView,
  failures: failuresView,
  waiting: waitingView,
  charts: chartsView,
  activity: activityView,
};

function place() {
  const id = location.hash.replace(/^#\/?/, '').split('/')[0];
  return VIEWS.some((v) => v.id === id) ? id : 'health';
}

function tabs(current) {
  const nav = $('#tabs');
  nav.hidden = false;
  nav.replaceChildren(
    ...VIEWS.map((v) =>
      h('a', { href: `#/${v.id}`, 'aria-current': v.id === current ? 'page' : undefined }, v.label),
    ),
  );
}

let rendering = 0;

function showSignIn(reason) {
  $('#sign-out').hidden = true;
  $('#tabs').hidden = true;
  $('#who').textContent = '';
  $('#main').replaceChildren(
    signInView({
      title: 'Operators sign in to see and fix the integration.',
      reason,
      done: () => {
        say('');
        render();
      },
    }),
  );
}

async function render({ quiet = false } = {}) {
  const mine = ++rendering;
  const main = $('#main');
  const s = session();
  if (!s) return showSignIn();
  $('#sign-out').hidden = false;
  $('#who').textContent = `${s.username}${s.groups?.length ? ` · ${s.groups.join(', ')}` : ''}`;
  const view = place();
  tabs(view);
  try {
    const content =
      view === 'lookup'
        ? lookupView()
        : RENDER[view](await api('GET', `/console/${view === 'charts' ? 'charts' : view}`));
    if (mine !== rendering) return;
    main.replaceChildren(...[content].flat(3).filter(Boolean));
    if (!quiet) main.querySelector('h1')?.focus();
  } catch (err) {
    if (mine !== rendering || err.status === 401) return;
    say(refusal(err), 'error');
    main.replaceChildren(
      h('h1', { tabindex: -1 }, 'Not available'),
      h('p', { class: 'empty' }, `Could not load ${view}.`),
    );
  }
}

function autoRefresh() {
  if (document.hidden || $('#confirm').open || !session() || editing) return;
  if (place() === 'lookup') return;
  void render({ quiet: true });
}

window.addEventListener('hashchange', () => {
  say('');
  editing = undefined;
  render();
});
document.addEventListener('visibilitychange', autoRefresh);
window.setInterval(autoRefresh, REFRESH_MS);
$('#sign-out').addEventListener('click', () => {
  signOut();
  say('');
  showSignIn();
});

try {
  await startAuth({ signInNeeded: showSignIn });
} catch (err) {
  say(err.message, 'error');
}
render();
