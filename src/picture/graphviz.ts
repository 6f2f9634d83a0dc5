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
  if (schemas.length === 1) for (const t of picture.tables) lines.push(table(t));
  else
    schemas.forEach((schema, i) => {
      lines.push(`  subgraph cluster_${i} {`, `    label="${html(schema)}";`);
      for (const t of picture.tables.filter((x) => x.schema === schema)) lines.push(`  ${table(t)}`);
      lines.push('  }');
    });
  for (const e of picture.edges) {
    const style = STYLE[e.change];
    lines.push(
      `  ${node(e.to)} -> ${node(e.from)} [label="${style.mark}${e.columns.join(', ')}", color="${style.edge}"${e.change === 'removed' ? ', style=dashed' : ''}];`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
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
