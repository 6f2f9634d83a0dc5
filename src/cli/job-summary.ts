import { appendFileSync } from 'node:fs';
import type { CheckReport } from '../check/check.js';
import type { GenerateResult } from '../generate/generate.js';
import type { VerifyReport } from '../check/verify.js';
import { formatCheck, formatVerify } from './format.js';

/**
 * In a GitHub Actions job (`GITHUB_STEP_SUMMARY` names a file), adds a command's result to the
 * job's summary page as Markdown, so a reviewer sees it on the pull request; elsewhere does nothing.
 */
export function addToJobSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, `${markdown.trimEnd()}\n\n`);
}

const fenced = (text: string) => ['```', text.trimEnd(), '```'].join('\n');

/** check's result: each question's answer, and when the model has changes no migration makes, their picture. */
export function checkSummary(report: CheckReport): string {
  const ok = report.folder.length === 0 && report.model.ok && (report.database?.ok ?? true);
  const lines = [`### smartem-db check: ${ok ? 'ok' : 'problems found'}`, '', fenced(formatCheck(report))];
  if (report.model.picture)
    lines.push(
      '',
      'What the next migration would change (`npm run db:generate` writes it):',
      '',
      '```mermaid',
      report.model.picture.trimEnd(),
      '```',
    );
  return lines.join('\n');
}

export function verifySummary(report: VerifyReport): string {
  return [`### smartem-db verify: ${report.ok ? 'ok' : 'problems found'}`, '', fenced(formatVerify(report))].join('\n');
}

/** generate's result for a pull request: what it wrote, its hazards, and the picture of the change. */
export function generateSummary(result: GenerateResult): string {
  if (!result.id) return '### smartem-db generate: no changes\n\nThe migrations already produce the Drizzle model.';
  return [
    `### smartem-db generate: ${result.id}`,
    '',
    `${result.ops.length} change${result.ops.length === 1 ? '' : 's'}${result.proved ? ', proved on a scratch database' : ''}.`,
    ...(result.hazards.length ? ['', ...result.hazards.map((h) => `- **${h.kind}**: ${h.message}`)] : []),
    ...(result.picture ? ['', '```mermaid', result.picture.trimEnd(), '```'] : []),
  ].join('\n');
}
