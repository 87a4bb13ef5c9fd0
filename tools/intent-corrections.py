#!/usr/bin/env python3
"""Writes the Chinese intent set's labels as a corrections export, for `train-sentiment --corrections` (decision 262).

Usage: tools/intent-corrections.py OUT.jsonl SPLITS [DATA]   e.g. tools/intent-corrections.py /tmp/intent-train.jsonl train,dev ../shared/data
Each post of tests/SentimentWatch.Scoring.Tests/Data/intent-check.tsv in SPLITS whose intent is question or announcement becomes a
neutral correction, a complaint a negative one; `other` is not written (its posts carry any sentiment). Texts are resolved from the
corpora by key (FNV-1a over the UTF-16 code units of the trimmed text, as tools/intent-candidates.py writes it). The output holds the
corpora's texts: write it outside the repository.
"""
import csv, json, os, sys

OUT, SPLITS = sys.argv[1], set(sys.argv[2].split(','))
DATA = sys.argv[3] if len(sys.argv) > 3 else '../shared/data'
D = os.path.join(DATA, 'sentiment-zh-weibo')
SET = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'SentimentWatch.Scoring.Tests', 'Data', 'intent-check.tsv')


def fnv(s):
    h = 2166136261
    b = s.encode('utf-16-le')
    for i in range(0, len(b), 2):
        h = ((h ^ (b[i] | (b[i + 1] << 8))) * 16777619) & 0xffffffff
    return '%08x' % h


def clean(x): return x.strip().strip('\ufeff')


texts = {}
with open(os.path.join(D, 'smp2020_ewect_weibo.csv'), encoding='utf-8') as f:
    for r in csv.DictReader(f):
        t = clean(r['text']); texts.setdefault(('zh-smp2020', fnv(t)), t)
with open(os.path.join(D, 'weibo_senti_100k_partial.csv'), encoding='utf-8') as f:
    for r in csv.DictReader(f):
        t = clean(r['review']); texts.setdefault(('zh-weibo-senti', fnv(t)), t)

labels = {'question': 'neutral', 'announcement': 'neutral', 'complaint': 'negative'}
written, missing = 0, 0
with open(OUT, 'w', encoding='utf-8') as out:
    for line in open(SET, encoding='utf-8'):
        if line.startswith('#'):
            continue
        post, intent, language, split, corpus, key = line.rstrip('\n').split('\t')
        if split not in SPLITS or intent not in labels:
            continue
        text = texts.get((corpus, key))
        if text is None:
            missing += 1
            continue
        out.write(json.dumps({'mentionId': post, 'language': language, 'text': text, 'sentiment': labels[intent], 'watches': [],
                              'correctedAt': '2026-12-07T00:00:00+00:00', 'source': 'intent-check'}, ensure_ascii=False) + '\n')
        written += 1
print(f'{written} corrections written to {OUT}; {missing} posts whose text the corpora do not hold', file=sys.stderr)
sys.exit(1 if missing else 0)
