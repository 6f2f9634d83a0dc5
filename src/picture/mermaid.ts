import { shortType, type Change, type SchemaPicture } from './schema-picture.js';

const MARK: Record<Change, string> = { same: '', added: '+ added', removed: '- removed', changed: '~ changed' };

/**
 * A schema picture as a Mermaid entity-relationship diagram, the text GitHub renders in Markdown.
 * Changes are marked in words (`+ added`, `- removed`, `~ was integer`), so they read without colour.
 *
 * @example writeFileSync('schema.md', '```mermaid\n' + mermaidOf(schemaPicture(catalog)) + '```\n');
 */
export function mermaidOf(picture: SchemaPicture): string {
  const schemas = new Set(picture.tables.map((t) => t.schema));
  const id = (key: string) => {
    const [schema, ...rest] = key.split('.');
    const name = rest.join('.');
    return (schemas.size === 1 || schema === 'public' ? name : `${schema}__${name}`).replace(/[^A-Za-z0-9_-]/g, '_');
  };
  const lines = ['erDiagram'];
  for (const table of picture.tables) {
    // Mermaid draws no indexes: the ones that change are named in the label.
    const indexes = table.indexes.filter((i) => i.change !== 'same').map((i) => `${MARK[i.change][0]} index ${i.name}`);
    const change = table.change === 'same' ? '' : ` (${[MARK[table.change], ...indexes].join('; ')})`;
    const label = `${schemas.size === 1 ? table.name : table.key}${change}`;
    const alias = label === id(table.key) ? '' : `["${label.replace(/"/g, "'")}"]`;
    lines.push(`  ${id(table.key)}${alias} {`);
    for (const c of table.columns) {
      const keys = [c.primaryKey ? 'PK' : '', c.references ? 'FK' : ''].filter(Boolean).join(', ');
      const note = c.change === 'changed' ? `~ was ${c.was}` : MARK[c.change];
      lines.push(
        `    ${typeWord(c.type)} ${c.name.replace(/[^A-Za-z0-9_-]/g, '_')}${keys ? ` ${keys}` : ''}${note ? ` "${note.replace(/"/g, "'")}"` : ''}`,
      );
    }
    lines.push('  }');
  }
  for (const edge of picture.edges) {
    const table = picture.tables.find((t) => t.key === edge.from);
    const optional = edge.columns.some((name) => !table?.columns.find((c) => c.name === name)?.notNull);
    const mark = edge.change === 'same' ? '' : `${MARK[edge.change][0]} `;
    lines.push(`  ${id(edge.to)} ${optional ? '|o' : '||'}--o{ ${id(edge.from)} : "${mark}${edge.columns.join(', ')}"`);
  }
  return `${lines.join('\n')}\n`;
}

/** Mermaid's attribute type is one word. */
function typeWord(type: string): string {
  return shortType(type)
    .replace(/\s+/g, '_')
    .replace(/[^A-Za-z0-9_()[\]-]/g, '_');
}
