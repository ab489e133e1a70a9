// The theme's translations: both languages have the same keys, and every publiccode.yml
// category and intended-audience scope (publiccode/src/vocab.rs) has a label in each.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const I18N = path.join(ROOT, "themes", "default", "i18n");

/** The subset of TOML the translation files use: [tables] and `key = "string"` lines. */
function readToml(file) {
  const tables = {};
  let current = null;
  fs.readFileSync(file, "utf8").split("\n").forEach((line, i) => {
    const l = line.trim();
    if (!l || l.startsWith("#")) return;
    let m = /^\[([A-Za-z0-9_-]+)\]$/.exec(l);
    if (m) { current = tables[m[1]] ??= {}; return; }
    m = /^("([^"]+)"|[A-Za-z0-9_-]+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(l);
    if (!m || !current) throw new Error(`${file}:${i + 1}: not a "key = string" line in a table: ${line}`);
    current[m[2] ?? m[1]] = JSON.parse(`"${m[3]}"`);
  });
  return tables;
}

function vocab(name) {
  const src = fs.readFileSync(path.join(ROOT, "publiccode", "src", "vocab.rs"), "utf8");
  const m = new RegExp(`pub const ${name}: &\\[&str\\] = &\\[([\\s\\S]*?)\\];`).exec(src);
  assert.ok(m, `${name} not found in vocab.rs`);
  return [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]);
}

const langs = fs.readdirSync(I18N).filter((f) => f.endsWith(".toml")).map((f) => f.slice(0, -5)).sort();
const t = Object.fromEntries(langs.map((l) => [l, readToml(path.join(I18N, `${l}.toml`))]));

for (const [table, list] of [["category", "CATEGORIES"], ["audience", "SCOPE"]]) {
  test(`every ${list} value has a label in ${langs.join(" and ")}`, () => {
    const keys = vocab(list);
    assert.ok(keys.length > 10);
    for (const l of langs) {
      const missing = keys.filter((k) => !(t[l][table]?.[k] || "").trim());
      assert.deepEqual(missing, [], `${l}.toml [${table}] lacks labels`);
      const unknown = Object.keys(t[l][table] || {}).filter((k) => !keys.includes(k));
      assert.deepEqual(unknown, [], `${l}.toml [${table}] has keys that are not in ${list}`);
    }
  });
}

test("all translation files have the same tables and keys", () => {
  const [first, ...rest] = langs;
  const keys = (l) => Object.entries(t[l]).flatMap(([tb, m]) => Object.keys(m).map((k) => `${tb}.${k}`)).sort();
  for (const l of rest) assert.deepEqual(keys(l), keys(first), `${l}.toml and ${first}.toml differ`);
});
