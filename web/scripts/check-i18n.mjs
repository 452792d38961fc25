// Fails when the French and English catalogues do not hold the same keys (plural suffixes
// such as `_one`, `_many`, `_other` are compared without their suffix, since languages need
// different ones).
import { readFileSync } from 'node:fs';

const load = (lang) => JSON.parse(readFileSync(new URL(`../src/i18n/${lang}.json`, import.meta.url), 'utf8'));
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keys(object, prefix = '') {
  const out = new Set();
  for (const [key, value] of Object.entries(object)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object') for (const k of keys(value, path)) out.add(k);
    else if (typeof value === 'string' && value.trim()) out.add(path.replace(PLURAL, ''));
    else out.add(`${path} (empty)`);
  }
  return out;
}

const en = keys(load('en'));
const fr = keys(load('fr'));
const onlyEn = [...en].filter((k) => !fr.has(k));
const onlyFr = [...fr].filter((k) => !en.has(k));
if (onlyEn.length || onlyFr.length) {
  if (onlyEn.length) console.error(`missing in fr.json: ${onlyEn.join(', ')}`);
  if (onlyFr.length) console.error(`missing in en.json: ${onlyFr.join(', ')}`);
  process.exit(1);
}
console.log(`i18n: en and fr have the same ${en.size} keys`);
