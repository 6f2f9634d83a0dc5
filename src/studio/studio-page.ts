// The studio's one page: HTML, CSS and script inline (nothing loaded from elsewhere, so it works
// offline and the content security policy can forbid every other source). It reads the JSON the
// server answers and redraws; the migrations poll every second while the page is open.

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2733; background: #f6f8fa; }
header { background: #1d2733; color: #fff; padding: 10px 20px; display: flex; gap: 24px; align-items: baseline; }
header h1 { font-size: 18px; margin: 0; }
nav a { color: #cfe3ff; margin-right: 14px; }
nav a:focus, button:focus { outline: 3px solid #ffbf47; }
main { padding: 0 20px 40px; }
section { background: #fff; border: 1px solid #d8dee4; border-radius: 6px; margin: 16px 0; padding: 12px 16px; }
h2 { font-size: 16px; margin: 4px 0 10px; }
table { border-collapse: collapse; }
td, th { border-bottom: 1px solid #e6eaef; padding: 3px 10px 3px 0; text-align: left; vertical-align: top; }
.state-applied { color: #2e7d32; } .state-pending { color: #8a6d00; } .state-failed, .state-interrupted, .state-missing { color: #c62828; }
.state-running { color: #1565c0; font-weight: 600; }
.error { color: #c62828; } .warn { color: #8a6d00; } .info { color: #57606a; }
pre { background: #f6f8fa; padding: 8px; overflow: auto; max-height: 360px; }
#diagram-view { overflow: auto; max-height: 720px; border: 1px solid #e6eaef; }
.bar { background: #4a78b5; height: 12px; display: inline-block; vertical-align: middle; }
.legend { color: #57606a; font-size: 12px; }
`;

const SCRIPT = `
const token = new URLSearchParams(location.search).get('token');
const get = async (path) => {
  const response = await fetch(path + '?token=' + encodeURIComponent(token));
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
};
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; if (cls) e.className = cls; return e; };
const row = (cells, cls) => { const tr = el('tr', undefined, cls); for (const c of cells) tr.append(c instanceof Node ? c : el('td', String(c))); return tr; };
const fail = (where, error) => { where.replaceChildren(el('p', error.message, 'error')); };
// A section filled from one API call: a line while it waits, then what draw makes of the answer, or the error.
const view = (id, path, waiting, draw) => async () => {
  const where = document.getElementById(id);
  if (waiting) where.replaceChildren(el('p', waiting));
  try { where.replaceChildren(...draw(await get(path))); } catch (error) { fail(where, error); }
};
const size = (n) => { const u = ['B','kB','MB','GB','TB']; let i = 0; while (n >= 1024 && i < 4) { n /= 1024; i++; } return (n < 10 && i ? n.toFixed(1) : Math.round(n)) + ' ' + u[i]; };

const migrations = view('migrations-view', '/api/migrations', null, (report) => {
  document.getElementById('database').textContent = report.database;
  const table = el('table');
  table.append(row([el('th', 'migration'), el('th', 'state'), el('th', 'applied (UTC)'), el('th', 'took'), el('th', 'progress')]));
  for (const m of report.migrations) {
    const progress = el('td');
    if (m.statementsTotal) {
      const bar = el('progress'); bar.max = m.statementsTotal; bar.value = m.statementsDone || 0;
      progress.append(bar, ' ' + (m.statementsDone || 0) + ' of ' + m.statementsTotal + ' statements');
    }
    const when = m.appliedAt ? String(m.appliedAt).replace('T', ' ').slice(0, 19) : '';
    const took = m.executionMs != null ? m.executionMs + ' ms' : m.stamped ? 'stamped' : '';
    table.append(row([m.id, el('td', m.state, 'state-' + m.state), when, took, progress], 'migration'));
  }
  const summary = el('p', report.pending + ' pending; head ' + (report.head || 'base') + (report.runningNow ? '; ' + report.runningNow : ''));
  return [summary, table, ...report.problems.map((p) => el('p', p, 'error'))];
});

const pending = view('pending-view', '/api/pending', null, (report) => {
  if (!report.sql) return [el('p', 'Nothing pending.')];
  const list = el('ul');
  for (const f of report.findings || []) list.append(el('li', f.migration + ' line ' + f.line + ': ' + f.kind + ': ' + f.message + (f.tableRows !== undefined ? ' [' + f.table + ': about ' + f.tableRows.toLocaleString('en') + ' rows, ' + size(f.tableBytes || 0) + ']' : '') + (f.acknowledged ? ' (acknowledged: ' + f.acknowledged + ')' : ''), f.acknowledged ? 'info' : 'warn'));
  return [el('h3', 'Hazards'), (report.findings || []).length ? list : el('p', report.error || 'None found.'), el('h3', 'SQL'), el('pre', report.sql)];
});

const diagram = view('diagram-view', '/api/diagram', 'Drawing ...', (picture) => {
  const notes = document.getElementById('diagram-notes');
  notes.replaceChildren(el('p', picture.tables + ' tables' + (picture.changes.length ? '; the model changes: ' + picture.changes.join(', ') : '; the model matches.')));
  if (picture.note) notes.append(el('p', picture.note, 'warn'));
  const svg = new DOMParser().parseFromString(picture.text, 'image/svg+xml').documentElement;
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Schema diagram, ' + picture.tables + ' tables');
  // Fitted to the width (the whole schema at a glance); the button shows it at its own size.
  svg.dataset.width = svg.getAttribute('width'); svg.dataset.height = svg.getAttribute('height');
  svg.removeAttribute('width'); svg.removeAttribute('height'); svg.style.width = '100%'; svg.style.height = 'auto';
  return [svg];
});

const doctor = view('doctor-view', '/api/doctor', 'Looking ...', (report) => {
  const s = report.summary;
  const parts = [el('p', s.errors + ' errors, ' + s.warnings + ' warnings, ' + s.info + ' notes.')];
  const list = el('ul');
  for (const f of report.findings) {
    const item = el('li', undefined, f.severity);
    item.append(el('strong', f.severity + ' ' + f.check + ': '), f.message);
    if (f.objects) { const sub = el('ul'); for (const o of f.objects.slice(0, 10)) sub.append(el('li', o)); item.append(sub); }
    if (f.fix) item.append(el('div', 'fix: ' + f.fix));
    list.append(item);
  }
  parts.push(list);
  const largest = report.sizes.length ? report.sizes[0].totalBytes : 0;
  if (largest > 0) {
    parts.push(el('h3', 'Tables by size'), el('p', 'Bars are linear: the full width is ' + size(largest) + '.', 'legend'));
    const table = el('table');
    for (const t of report.sizes.slice(0, 20)) {
      const bar = el('span', undefined, 'bar'); bar.style.width = Math.max(1, Math.round(300 * t.totalBytes / largest)) + 'px';
      const cell = el('td'); cell.append(bar, ' ' + size(t.totalBytes));
      table.append(row([t.schema + '.' + t.name, t.rows.toLocaleString('en') + ' rows', cell]));
    }
    parts.push(table);
  }
  return parts;
});

document.getElementById('redraw').addEventListener('click', diagram);
document.getElementById('zoom').addEventListener('click', (event) => {
  const svg = document.querySelector('#diagram-view svg');
  if (!svg) return;
  const fitted = svg.style.width === '100%';
  svg.style.width = fitted ? svg.dataset.width : '100%';
  svg.style.height = fitted ? svg.dataset.height : 'auto';
  event.target.textContent = fitted ? 'Fit to the width' : 'Actual size';
});
document.getElementById('rerun-doctor').addEventListener('click', doctor);
migrations(); pending(); diagram(); doctor();
setInterval(migrations, 1000);
`;

/** The studio's page: sections for the diagram, the migrations, what is pending, and the doctor. */
export function studioPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>smartem-db studio</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header><h1>smartem-db studio</h1><span id="database">...</span>
<nav aria-label="Sections"><a href="#diagram">Diagram</a><a href="#migrations">Migrations</a><a href="#pending">Pending</a><a href="#doctor">Doctor</a></nav></header>
<main>
<section id="diagram" aria-labelledby="diagram-title"><h2 id="diagram-title">The database and the model</h2>
<div id="diagram-notes"></div><button id="redraw" type="button">Draw again</button> <button id="zoom" type="button">Actual size</button><div id="diagram-view"></div></section>
<section id="migrations" aria-labelledby="migrations-title"><h2 id="migrations-title">Migrations</h2><div id="migrations-view" aria-live="polite">...</div></section>
<section id="pending" aria-labelledby="pending-title"><h2 id="pending-title">Pending</h2><div id="pending-view">...</div></section>
<section id="doctor" aria-labelledby="doctor-title"><h2 id="doctor-title">Doctor</h2><button id="rerun-doctor" type="button">Look again</button><div id="doctor-view">...</div></section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
