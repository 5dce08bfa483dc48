/**
 * Localisation is complete: every contributed title and description comes from package.nls.json, and
 * every string the code says through l10n.t is a literal found in l10n/bundle.l10n.json. Code away from
 * VS Code (the engine's thread) translates by the bundle it is handed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { inputProblem } from '../../src/api/issues';
import { UserDataKey } from '../../src/api/inputSchemas';
import { bundleWords, english, useWords } from '../../src/api/l10n';
import { profileFromAnswers } from '../../src/model/profiles';

const root = path.resolve(__dirname, '../..');
const read = (f: string) => readFileSync(path.join(root, f), 'utf8');

describe('localisation', () => {
  it('has every l10n.t string of the sources in the bundle, each a literal', () => {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/l10n.mjs'), '--check'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });

  it('takes every contributed title and description from package.nls.json, and keeps no unused entry', () => {
    const manifest = read('package.json');
    const nls = JSON.parse(read('package.nls.json')) as Record<string, string>;
    const used = new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!));
    for (const key of used) assert.ok(Object.hasOwn(nls, key), `package.nls.json lacks ${key}`);
    for (const key of Object.keys(nls)) assert.ok(used.has(key), `package.nls.json has ${key}, which package.json never uses`);
    const { contributes, displayName, description } = JSON.parse(manifest) as {
      displayName: string;
      description: string;
      contributes: { commands: { title: string; category?: string }[]; views: Record<string, { name: string }[]> };
    };
    const shown = [
      displayName,
      description,
      ...contributes.commands.flatMap((c) => [c.title, c.category ?? '%%']),
      ...Object.values(contributes.views)
        .flat()
        .map((v) => v.name),
    ];
    for (const text of shown) assert.match(text, /^%[^%]+%$/, `"${text}" is shown untranslated`);
  });
});

describe('words from a bundle', () => {
  it('translates a key the bundle has, with its arguments filled', () => {
    const words = bundleWords({ "Server '{0}' failed to run {1}": "« {1} a échoué sur le serveur '{0}' »" });
    assert.equal(words.t("Server '{0}' failed to run {1}", 'lab', 'getServerInfo'), "« getServerInfo a échoué sur le serveur 'lab' »");
  });

  it('says a key the bundle lacks in English, as english does, and every key without a bundle', () => {
    const words = bundleWords({ connected: 'verbunden' });
    assert.equal(words.t('{0} of {1} destinations', 3, 10), '3 of 10 destinations');
    assert.equal(words.t('{0} and {1}', 'one'), 'one and {1}', 'a missing argument stays a placeholder');
    assert.equal(bundleWords(undefined), english);
  });

  it("puts a schema's own words in the thread's language when it checks, not when it loads", () => {
    useWords(
      bundleWords({
        'a key cannot be empty': 'ein Schlüssel darf nicht leer sein',
        'a server name is at most {0} characters': 'höchstens {0} Zeichen',
      }),
    );
    try {
      assert.match(inputProblem(UserDataKey, '') ?? '', /ein Schlüssel darf nicht leer sein/);
      assert.match(
        JSON.stringify(profileFromAnswers({ transport: 'http', name: 'x'.repeat(101), url: 'http://h', superuser: false })),
        /höchstens 100 Zeichen/,
      );
    } finally {
      useWords(english);
    }
  });
});
