// Dumps the person names of every @faker-js/faker locale (MIT) as two
// lists, for build.py. Each locale's own definitions, without the English
// fallback: its first names include word-like names (`Blue`, `North`,
// `London`) that the Census lists already weigh. Usage: node fakerjs_names.mjs DIR, where DIR holds
// the unpacked npm package (`DIR/package/dist/index.js`); writes
// DIR/fakerjs_given.txt and DIR/fakerjs_surnames.txt.
import fs from 'fs';
import path from 'path';
import url from 'url';

const dir = process.argv[2] ?? 'x';
const faker = await import(url.pathToFileURL(path.resolve(dir, 'package/dist/index.js')).href);
const flat = (v) =>
  v == null ? [] : Array.isArray(v) ? v.flatMap(flat)
    : typeof v === 'object' ? Object.values(v).flatMap(flat) : [String(v)];
const given = new Set();
const surnames = new Set();
for (const [code, locale] of Object.entries(faker.allLocales)) {
  const person = code !== 'en' && code !== 'base' && locale?.person;
  if (!person) continue;
  for (const n of [...flat(person.first_name), ...flat(person.middle_name)]) given.add(n);
  for (const n of flat(person.last_name)) surnames.add(n);
}
fs.writeFileSync(path.join(dir, 'fakerjs_given.txt'), [...given].sort().join('\n') + '\n');
fs.writeFileSync(path.join(dir, 'fakerjs_surnames.txt'), [...surnames].sort().join('\n') + '\n');
console.log(`faker-js: ${given.size} given names, ${surnames.size} surnames`);
