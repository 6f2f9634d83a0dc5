import { SmartemDbError } from '../errors.js';
import { shortType, type Change, type PictureColumn, type SchemaPicture } from './schema-picture.js';

// Colour and a text marker for each change, so the picture reads without colour too.
const STYLE: Record<Change, { mark: string; fill: string; edge: string }> = {
  same: { mark: '', fill: '#ffffff', edge: '#555555' },
  added: { mark: '+ ', fill: '#d8f5d0', edge: '#2e7d32' },
  removed: { mark: '\u2212 ', fill: '#fbd5d5', edge: '#c62828' },
  changed: { mark: '~ ', fill: '#fff0c2', edge: '#b26a00' },
};

const html = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * A schema picture in Graphviz's DOT: each table a box of its columns (keys marked, changes
 * coloured and marked + − ~), foreign keys as edges from the referenced table down to the one
 * that references it, so a hierarchy reads top to bottom; one cluster per schema when there are several.
 */
export function dotOf(picture: SchemaPicture): string {
  const schemas = [...new Set(picture.tables.map((t) => t.schema))];
  const node = (key: string) => `"${key.replace(/"/g, '\\"')}"`;
  const table = (t: SchemaPicture['tables'][number]) => {
    const head = STYLE[t.change];
    const title = `${head.mark}${schemas.length === 1 ? t.name : t.key}`;
    const rows = [...t.columns.map((c) => columnRow(c)), ...t.indexes.map((i) => indexRow(i))];
    return (
      `  ${node(t.key)} [label=<<table border="0" cellborder="1" cellspacing="0" cellpadding="3">` +
      `<tr><td colspan="3" bgcolor="${t.change === 'same' ? '#dde6f0' : head.fill}"><b>${html(title)}</b></td></tr>` +
      `${rows.join('')}</table>>];`
    );
  };
  const lines = [
    'digraph schema {',
    '  graph [rankdir=TB, nodesep=0.4, ranksep=0.7, fontname="Helvetica"];',
    '  node [shape=plain, fontname="Helvetica", fontsize=10];',
    '  edge [arrowhead=crow, arrowtail=tee, dir=both, fontname="Helvetica", fontsize=9];',
  ];
  // One cluster per schema when there are several; in a schema of many tables, one per name prefix.
  let cluster = 0;
  const place = (tables: SchemaPicture['tables'], indent: string) => {
    for (const group of prefixGroups(tables)) {
      if (group.prefix === null) for (const t of group.tables) lines.push(`${indent}${table(t).trimStart()}`);
      else {
        lines.push(`${indent}subgraph cluster_${cluster++} {`, `${indent}  label="${html(group.prefix)}_*";`);
        for (const t of group.tables) lines.push(`${indent}  ${table(t).trimStart()}`);
        lines.push(`${indent}}`);
      }
    }
  };
  if (schemas.length === 1) place(picture.tables, '  ');
  else
    for (const schema of schemas) {
      lines.push(`  subgraph cluster_${cluster++} {`, `    label="${html(schema)}";`);
      place(
        picture.tables.filter((x) => x.schema === schema),
        '    ',
      );
      lines.push('  }');
    }
  for (const e of picture.edges) {
    const style = STYLE[e.change];
    lines.push(
      `  ${node(e.to)} -> ${node(e.from)} [label="${style.mark}${e.columns.join(', ')}", color="${style.edge}"${e.change === 'removed' ? ', style=dashed' : ''}];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Above this many tables in a schema, tables that share a name prefix are drawn as a group. */
const GROUP_ABOVE = 40;

/**
 * A schema's tables grouped by the word before the first underscore (`billing_invoice`,
 * `billing_payment`) when the schema has many tables and at least three share it; the rest
 * ungrouped (`prefix: null`). Keeps a schema of hundreds of tables readable, in boxes by subject.
 */
function prefixGroups(tables: SchemaPicture['tables']): { prefix: string | null; tables: SchemaPicture['tables'] }[] {
  if (tables.length <= GROUP_ABOVE) return [{ prefix: null, tables }];
  const prefixOf = (name: string) => (name.includes('_') ? name.slice(0, name.indexOf('_')) : null);
  const counts = new Map<string, number>();
  for (const t of tables) {
    const p = prefixOf(t.name);
    if (p) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  const groupOf = (name: string) => {
    const p = prefixOf(name);
    return p && (counts.get(p) ?? 0) >= 3 ? p : null;
  };
  const prefixes = [...new Set(tables.map((t) => groupOf(t.name)))].sort((a, b) =>
    a === null ? 1 : b === null ? -1 : a.localeCompare(b),
  );
  return prefixes.map((prefix) => ({ prefix, tables: tables.filter((t) => groupOf(t.name) === prefix) }));
}

function columnRow(c: PictureColumn): string {
  const style = STYLE[c.change];
  const keys = [c.primaryKey ? 'PK' : '', c.references ? 'FK' : ''].filter(Boolean).join(' ');
  const type = `${shortType(c.type)}${c.notNull ? '' : '?'}${c.was ? ` (was ${c.was})` : ''}`;
  const cell = (text: string, align = 'left') =>
    `<td align="${align}" bgcolor="${style.fill}">${c.primaryKey ? `<u>${html(text)}</u>` : html(text)}</td>`;
  return `<tr>${cell(`${style.mark}${c.name}`)}${cell(type)}${cell(keys || ' ', 'center')}</tr>`;
}

function indexRow(index: SchemaPicture['tables'][number]['indexes'][number]): string {
  const style = STYLE[index.change];
  const text = `${style.mark}${index.unique ? 'unique ' : ''}index ${index.name} (${index.columns.join(', ')})`;
  return `<tr><td colspan="3" align="left" bgcolor="${style.fill}"><i>${html(text)}</i></td></tr>`;
}

type Graphviz = { dot(source: string): string };

/**
 * The picture as SVG, laid out by Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz, an
 * optional peer: nothing native to install). The same picture gives the same bytes.
 */
export async function svgOf(picture: SchemaPicture): Promise<string> {
  let graphviz: Graphviz;
  try {
    const { Graphviz } = (await import('@hpcc-js/wasm-graphviz')) as { Graphviz: { load(): Promise<Graphviz> } };
    graphviz = await Graphviz.load();
  } catch (error) {
    throw new SmartemDbError(
      'MISSING_DEPENDENCY',
      `Drawing SVG needs @hpcc-js/wasm-graphviz (${(error as Error).message}): npm install --save-dev @hpcc-js/wasm-graphviz, or use --format mermaid.`,
      { cause: error },
    );
  }
  return graphviz.dot(dotOf(picture));
}
