/** A plan as a person reads it at a glance: what Apply would create, change, replace and delete. */
import type { L10n } from '../api/l10n';
import type { Plan, PlanStep } from './plan';

const code = (v: unknown) => `\`${(typeof v === 'string' ? v : JSON.stringify(v)).replace(/`/g, "'").replace(/\s+/g, ' ').slice(0, 200)}\``;

function stepLines(s: PlanStep, l10n: L10n): string[] {
  switch (s.kind) {
    case 'create': {
      const { destinationAddress: _a, destinationPort: _p, userData, ...rest } = s.params;
      const params = Object.entries(rest).map(([k, v]) => `  - ${k}: ${code(v)}`);
      const keys = Object.entries(userData ?? {}).map(([k, v]) => `  - userData ${code(k)}: ${code(v)}`);
      return [`- **${l10n.t('create')}** ${code(s.label)}`, ...params, ...keys];
    }
    case 'userData':
      return [
        `- **${l10n.t('userData')}** ${code(s.label)}`,
        ...Object.entries(s.set).map(
          ([k, v]) => `  - ${code(k)}: ${v.now === undefined ? l10n.t('(new)') : code(v.now)} → ${code(v.wanted)}`,
        ),
        ...Object.entries(s.remove).map(([k, v]) => `  - ${code(k)}: ${code(v)} → ${l10n.t('(removed)')}`),
      ];
    case 'replace':
      return [
        `- **${l10n.t('replace')}** ${code(s.label)} (${l10n.t('deleted and created again: there is no update call')})`,
        ...s.differences.map((d) => `  - ${d.field}: ${code(d.now ?? null)} → ${code(d.wanted)}`),
      ];
    case 'delete':
      return [`- **${l10n.t('delete')}** ${code(s.label)} (${l10n.t('not in the file, and prune is on')})`];
  }
}

export function planMarkdown(plan: Plan, file: string, l10n: L10n): string {
  const count = (kind: PlanStep['kind']) => plan.steps.filter((s) => s.kind === kind).length;
  const lines = [
    `# ${l10n.t('Plan for {0}', plan.server)}`,
    '',
    l10n.t('From {0}. Nothing has been sent; Apply does this, one step at a time.', code(file)),
    '',
  ];
  if (!plan.steps.length) lines.push(l10n.t('Nothing to do: the server has what the file says ({0} destinations).', plan.unchanged));
  else {
    lines.push(
      l10n.t(
        '{0} to create, {1} with userData to change, {2} to replace, {3} to delete; {4} unchanged.',
        count('create'),
        count('userData'),
        count('replace'),
        count('delete'),
        plan.unchanged,
      ),
      '',
      ...plan.steps.flatMap((s) => stepLines(s, l10n)),
    );
  }
  return `${lines.join('\n')}\n`;
}
