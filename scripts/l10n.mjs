// Collects every string the extension, its model and its webview say through `l10n.t('…')` (the English
// text is the key, as with vscode.l10n) and writes l10n/bundle.l10n.json, the file translators start
// from. `--check` writes nothing and fails when the bundle misses a key or a call's text is not a
// literal (a tool cannot collect it then): the node tests run it.
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundlePath = path.join(root, 'l10n/bundle.l10n.json');

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** The keys of every `….l10n.t(…)` and `l10n.t(…)` call, and the calls whose text is not a literal. */
function collect() {
  const keys = new Set();
  const unreadable = [];
  for (const file of sources(path.join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 't' &&
        /(^|\.)l10n$/.test(node.expression.expression.getText(source))
      ) {
        const first = node.arguments[0];
        if (first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first))) keys.add(first.text);
        else {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          unreadable.push(`${path.relative(root, file)}:${line + 1}: ${node.getText(source).slice(0, 80)}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { keys: [...keys].sort(), unreadable };
}

const { keys, unreadable } = collect();
if (process.argv.includes('--check')) {
  let bundle = {};
  try {
    bundle = JSON.parse(readFileSync(bundlePath, 'utf8'));
  } catch {
    // reported below as every key missing
  }
  const missing = keys.filter((k) => !Object.hasOwn(bundle, k));
  const stale = Object.keys(bundle).filter((k) => !keys.includes(k));
  for (const u of unreadable) console.error(`not a literal, so not translatable: ${u}`);
  for (const m of missing) console.error(`missing from l10n/bundle.l10n.json: ${JSON.stringify(m)}`);
  for (const s of stale) console.error(`in l10n/bundle.l10n.json but said nowhere: ${JSON.stringify(s)}`);
  if (unreadable.length || missing.length || stale.length) {
    console.error('Run `npm run l10n` to write the bundle again.');
    process.exit(1);
  }
  console.log(`l10n: ${keys.length} strings, all in the bundle`);
} else {
  mkdirSync(path.dirname(bundlePath), { recursive: true });
  writeFileSync(bundlePath, `${JSON.stringify(Object.fromEntries(keys.map((k) => [k, k])), null, 2)}\n`);
  if (unreadable.length) {
    for (const u of unreadable) console.error(`not a literal, so not translatable: ${u}`);
    process.exit(1);
  }
  console.log(`l10n/bundle.l10n.json: ${keys.length} strings`);
}
