// Regenerates workers/data/corpora/kjv-genesis.txt, the built-in text corpus of the sequence
// family: the Book of Genesis in the King James Version (public domain), from Debian's
// bible-kjv-text package read with its `bible` program. Not run by CI or the build: the
// output is committed, and the build only copies it into dist/ (scripts/copyAssets.cjs).
//
//   apt-get download bible-kjv bible-kjv-text
//   for f in bible-kjv*.deb; do dpkg-deb -x "$f" /tmp/kjv; done
//   node scripts/extractKjvGenesis.cjs /tmp/kjv
//
// Format: a "Genesis" heading, a blank line, then each chapter's verses one per line without
// their reference, chapters separated by a blank line, LF line endings, UTF-8 (the text is ASCII).
// Every chapter's verses must come out numbered 1, 2, 3, … and there must be 50 chapters:
// anything else (a wrapped line, a missing verse) stops the script rather than write a bad file.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const CHAPTERS = 50;
const root = path.resolve(__dirname, '..');
const kjv = path.resolve(process.argv[2] ?? '/tmp/kjv');
const out = path.join(root, 'workers', 'data', 'corpora', 'kjv-genesis.txt');

const raw = execFileSync(path.join(kjv, 'usr', 'bin', 'bible'), ['-p', path.join(kjv, 'usr', 'lib'), '-f', `gen1:1-${CHAPTERS}:999`], {
  cwd: kjv, encoding: 'utf8', env: { ...process.env, COLUMNS: '100000' }, maxBuffer: 16 * 1024 * 1024,
});

/** @type {string[][]} */
const chapters = [];
for (const line of raw.split('\n')) {
  if (line.trim() === '') continue;
  const m = /^Ge(\d+):(\d+) (.+)$/.exec(line);
  if (!m) throw new Error(`Unexpected line from bible (not "GeC:V text"): ${JSON.stringify(line)}`);
  const chapter = Number(m[1]);
  const verse = Number(m[2]);
  if (chapter === chapters.length + 1) chapters.push([]);
  const verses = chapters[chapter - 1];
  if (chapter !== chapters.length || verses === undefined || verse !== verses.length + 1) {
    throw new Error(`Verses out of order at Ge${chapter}:${verse} (expected chapter ${chapters.length}, verse ${(verses?.length ?? 0) + 1})`);
  }
  verses.push(m[3].trim());
}
if (chapters.length !== CHAPTERS) throw new Error(`Expected ${CHAPTERS} chapters of Genesis, got ${chapters.length}`);

const text = `Genesis\n\n${chapters.map((verses) => verses.join('\n')).join('\n\n')}\n`;
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, text, 'utf8');
const verses = chapters.reduce((n, v) => n + v.length, 0);
console.log(`Wrote ${path.relative(root, out)}: ${CHAPTERS} chapters, ${verses} verses, ${Buffer.byteLength(text)} bytes`);
