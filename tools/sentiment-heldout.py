#!/usr/bin/env python3
"""Held-out sentiment measurement through the `score` verb (issue 19, decision 120).

  export DATA OUT [--waimai waimai_10k.csv] [--airline Tweets.csv] [--sample tools/goal-samples.tsv] [--waimai-fresh COPY.csv] [--airline-fresh COPY.csv] [--airline-third COPY.csv] [--airline-fourth COPY.csv]
      Writes JSON lines (id, text, label) for the held-out sets the models never train on:
        zh-shopping-food.jsonl   online_shopping_10_cats, fruit + dairy reviews (label 0/1)
        zh-smp2020-test.jsonl    SMP2020-EWECT usual_test + virus_test (negative/neutral/positive; surprise dropped)
        en-semeval-2017test.jsonl SemEval 2017 Task 4A test (negative/neutral/positive)
      and, when given, the posts the project never saw that the issue's goals are stated on:
        zh-waimai.jsonl          waimai_10k.csv (label,review; 1 positive, 0 negative)
        en-airline.jsonl         Twitter US Airline Sentiment Tweets.csv (airline_sentiment,text)
        topics/en-airline-complaints.jsonl  its negative tweets with their crowd-labelled negativereason, a dev/test split and
                                 "watches": ["airline"], so `score` serves them the airline watch's taxonomy (decision 205);
                                 in a folder of its own, since it holds one class and is no sentiment measure
      --sample keeps only the rows tools/goal-samples.tsv lists (the samples measured in models/MODEL.md, "The goal
      sets, sampled"): waimai by the FNV-1a key of the trimmed review (first row per key), airline by tweet_id, and says how
      many of the listed rows were found. With --sample, the second waimai sample (waimai-fresh, decision 209) is written to
      zh-waimai-fresh.jsonl from --waimai-fresh (a separate copy) or else the --waimai file; the second airline sample
      (airline-fresh) likewise to en-airline-fresh.jsonl and topics/en-airline-fresh-complaints.jsonl, the third (airline-third,
      decision 215) to en-airline-third.jsonl and topics/en-airline-third-complaints.jsonl, and the fourth (airline-fourth, decision
      217) to en-airline-fourth.jsonl and topics/en-airline-fourth-complaints.jsonl.
  measure SCORED.jsonl [...]
      Reads the score verb's output (the input line plus "sentiment") and prints negative-detection balanced accuracy
      (served label negative vs not) and, where the labels include neutral, 3-class macro-F1.
  measure-topics SCORED.jsonl MAPPING.tsv [--split dev|test|all]
      For topics/en-airline-complaints scored with Scoring:WatchTopics:airline set to a watch taxonomy's model folder:
      accuracy, per-category precision / recall / F1, macro-F1 and the share answered `other` over the complaints whose
      negativereason MAPPING.tsv maps to a category.

  python3 tools/sentiment-heldout.py export ../shared/data /tmp/heldout
  dotnet run --project src/SentimentWatch -c Release -- score --input /tmp/heldout/X.jsonl --output /tmp/heldout/X.scored.jsonl
  python3 tools/sentiment-heldout.py measure /tmp/heldout/*.scored.jsonl

  Each line's "source" is its set's name (zh-waimai, zh-shopping-food, …): add
  `--Scoring:SourceGenres:zh-waimai reviews --Scoring:SourceGenres:zh-shopping-food reviews` to the score command to serve the
  review sets as a review source is served (decision 209); without it every set is served as social posts.
"""
import csv
import json
import os
import sys

LABELS = {"0": "negative", "1": "positive", "negative": "negative", "neutral": "neutral", "positive": "positive"}


def write(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for i, (text, label) in enumerate(rows):
            # "source" names the set, so a run can serve the review sets as reviews (Scoring:SourceGenres, decision 209).
            f.write(json.dumps({"id": f"{os.path.basename(path)}-{i}", "text": text, "label": label,
                                "source": os.path.basename(path)[:-len(".jsonl")]}, ensure_ascii=False) + "\n")
    print(f"{path}: {len(rows)} lines", file=sys.stderr)


def fnv(text):
    """FNV-1a over the UTF-16 code units of the text, as the project's labelled sets key their texts."""
    h = 2166136261
    b = text.encode("utf-16-le")
    for i in range(0, len(b), 2):
        h = ((h ^ (b[i] | (b[i + 1] << 8))) * 16777619) & 0xFFFFFFFF
    return "%08x" % h


def split_of(tweet_id):
    return "dev" if int(fnv(tweet_id), 16) % 2 == 0 else "test"


def load_sample(path):
    keys = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        corpus, key, label = line.rstrip("\n").split("\t")[:3]
        keys.setdefault(corpus, {})[key] = label
    return keys


def pick(rows, wanted, key, label, corpus):
    """The rows the sample lists: the first row per key whose label matches; says how many were found."""
    found, mismatched, seen = [], 0, set()
    for r in rows:
        k = key(r)
        if k not in wanted or k in seen:
            continue
        if wanted[k] != label(r):
            mismatched += 1
            continue
        seen.add(k)
        found.append(r)
    print(f"{corpus}: {len(found)} of the sample's {len(wanted)} rows found"
          + (f", {mismatched} with the key but another label skipped" if mismatched else ""), file=sys.stderr)
    return found


def export(data, out, waimai=None, airline=None, sample=None, waimai_fresh=None, airline_fresh=None, airline_third=None, airline_fourth=None):
    keep = load_sample(sample) if sample else None
    os.makedirs(out, exist_ok=True)
    rows = csv.DictReader(open(os.path.join(data, "sentiment-zh-reviews", "online_shopping_10_cats.csv"), encoding="utf-8-sig"))
    write(os.path.join(out, "zh-shopping-food.jsonl"),
          [(r["review"].strip(), LABELS[r["label"].strip()]) for r in rows if r["cat"] in ("水果", "蒙牛") and r["review"].strip()])
    rows = csv.DictReader(open(os.path.join(data, "sentiment-zh-weibo", "smp2020_ewect_weibo.csv"), encoding="utf-8"))
    write(os.path.join(out, "zh-smp2020-test.jsonl"),
          [(r["text"].strip(), r["sentiment"]) for r in rows if r["split"].endswith("_test") and r["sentiment"] in LABELS])
    rows = csv.DictReader(open(os.path.join(data, "sentiment-en-tweets", "semeval2017_task4a_en.csv"), encoding="utf-8"))
    write(os.path.join(out, "en-semeval-2017test.jsonl"),
          [(r["text"].strip(), r["label"]) for r in rows if "2017test" in r["source"] and r["label"] in LABELS])
    if waimai:
        rows = [r for r in csv.DictReader(open(waimai, encoding="utf-8-sig")) if r["review"].strip()]
        if keep is not None:
            rows = pick(rows, keep.get("waimai", {}), lambda r: fnv(r["review"].strip()), lambda r: r["label"].strip(), "waimai")
        write(os.path.join(out, "zh-waimai.jsonl"), [(r["review"].strip(), LABELS[r["label"].strip()]) for r in rows])
    if keep is not None and "waimai-fresh" in keep and (waimai_fresh or waimai):
        # The second waimai sample (decision 209), from the same file or the copy --waimai-fresh names.
        rows = [r for r in csv.DictReader(open(waimai_fresh or waimai, encoding="utf-8-sig")) if r["review"].strip()]
        rows = pick(rows, keep["waimai-fresh"], lambda r: fnv(r["review"].strip()), lambda r: r["label"].strip(), "waimai-fresh")
        write(os.path.join(out, "zh-waimai-fresh.jsonl"), [(r["review"].strip(), LABELS[r["label"].strip()]) for r in rows])
    if airline:
        airline_set(out, airline, keep, "airline", "en-airline.jsonl", "en-airline-complaints.jsonl")
    if keep is not None and "airline-fresh" in keep and (airline_fresh or airline):
        # The second airline sample (stop 36), from the same file or the copy --airline-fresh names.
        airline_set(out, airline_fresh or airline, keep, "airline-fresh", "en-airline-fresh.jsonl", "en-airline-fresh-complaints.jsonl")
    if keep is not None and "airline-third" in keep and (airline_third or airline):
        # The third airline sample (decision 215), from the same file or the copy --airline-third names.
        airline_set(out, airline_third or airline, keep, "airline-third", "en-airline-third.jsonl", "en-airline-third-complaints.jsonl")
    if keep is not None and "airline-fourth" in keep and (airline_fourth or airline):
        # The fourth airline sample (decision 217), from the same file or the copy --airline-fourth names.
        airline_set(out, airline_fourth or airline, keep, "airline-fourth", "en-airline-fourth.jsonl", "en-airline-fourth-complaints.jsonl")


def airline_set(out, path_in, keep, corpus, name, complaints_name):
    rows = [r for r in csv.DictReader(open(path_in, encoding="utf-8-sig")) if r["text"].strip()]
    if keep is not None:
        rows = pick(rows, keep.get(corpus, {}), lambda r: r["tweet_id"].strip(), lambda r: r["airline_sentiment"].strip(), corpus)
    write(os.path.join(out, name), [(r["text"].strip(), r["airline_sentiment"]) for r in rows])
    os.makedirs(os.path.join(out, "topics"), exist_ok=True)
    path = os.path.join(out, "topics", complaints_name)
    with open(path, "w", encoding="utf-8") as f:
        complaints = [r for r in rows if r["airline_sentiment"] == "negative" and r["negativereason"].strip()]
        for r in complaints:
            f.write(json.dumps({"id": r["tweet_id"].strip(), "text": r["text"].strip(), "label": "negative",
                                "reason": r["negativereason"].strip(), "split": split_of(r["tweet_id"].strip()),
                                "watches": ["airline"]}, ensure_ascii=False) + "\n")
    print(f"{path}: {len(complaints)} lines", file=sys.stderr)


def measure(paths):
    for path in paths:
        actual, predicted = [], []
        for line in open(path, encoding="utf-8"):
            node = json.loads(line)
            if "sentiment" in node and node.get("label") in ("negative", "neutral", "positive"):
                actual.append(node["label"])
                predicted.append(node["sentiment"])
        tp = sum(1 for a, p in zip(actual, predicted) if a == "negative" and p == "negative")
        fn = sum(1 for a, p in zip(actual, predicted) if a == "negative" and p != "negative")
        tn = sum(1 for a, p in zip(actual, predicted) if a != "negative" and p != "negative")
        fp = sum(1 for a, p in zip(actual, predicted) if a != "negative" and p == "negative")
        if tp + fn == 0 or tn + fp == 0:
            print(f"{os.path.basename(path)}: {len(actual)} posts of one class (negative or not): no balanced accuracy")
            continue
        ba = (tp / (tp + fn) + tn / (tn + fp)) / 2
        line = f"{os.path.basename(path)}: {len(actual)} posts, negative-detection balanced accuracy {ba:.3f}"
        if "neutral" in actual:
            f1s = []
            for c in ("negative", "neutral", "positive"):
                t = sum(1 for a, p in zip(actual, predicted) if a == c and p == c)
                pc = sum(1 for p in predicted if p == c)
                ac = sum(1 for a in actual if a == c)
                prec, rec = (t / pc if pc else 0), (t / ac if ac else 0)
                f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0)
            line += f", 3-class macro-F1 {sum(f1s) / 3:.3f}"
        shares = {c: sum(1 for p in predicted if p == c) / max(1, len(predicted)) for c in ("negative", "neutral", "positive")}
        line += " (served " + ", ".join(f"{c} {v:.2f}" for c, v in shares.items()) + ")"
        print(line)


def measure_topics(path, mapping_path, split="all"):
    mapping = {}
    for line in open(mapping_path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        reason, category = line.strip().split("\t")[:2]
        mapping[reason] = category
    answered, unmapped = {}, {}
    for line in open(path, encoding="utf-8"):
        node = json.loads(line)
        if split != "all" and node.get("split") != split:
            continue
        if node.get("reason") not in mapping:
            sys.exit(f"measure-topics: {path} has a line whose reason {node.get('reason')!r} {mapping_path} does not map "
                     "(score topics/en-airline-complaints.jsonl, and map every reason, '-' for none)")
        expected, got = mapping[node["reason"]], node.get("topic") or "other"
        table = unmapped.setdefault(node["reason"], {}) if expected == "-" else answered.setdefault(expected, {})
        table[got] = table.get(got, 0) + 1
    categories = sorted(answered)
    total = sum(sum(t.values()) for t in answered.values())
    hits = sum(answered[c].get(c, 0) for c in categories)
    other = sum(answered[c].get("other", 0) for c in categories)
    print(f"{os.path.basename(path)} (split {split}): {total} complaints with a mapped reason, accuracy {hits / max(1, total):.3f}, "
          f"answered other {other / max(1, total):.3f}")
    f1s = []
    for c in categories:
        tp, actual = answered[c].get(c, 0), sum(answered[c].values())
        predicted = sum(answered[e].get(c, 0) for e in categories)
        precision, recall = (tp / predicted if predicted else 0), (tp / actual if actual else 0)
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0)
        shown = ", ".join(f"{k} {v}" for k, v in sorted(answered[c].items(), key=lambda kv: -kv[1]))
        print(f"  {c}: {actual} complaints, precision {precision:.3f}, recall {recall:.3f}, F1 {f1s[-1]:.3f} (answered {shown})")
    print(f"  macro-F1 over the {len(categories)} categories: {sum(f1s) / max(1, len(f1s)):.3f}")
    for reason, table in sorted(unmapped.items()):
        print(f"  not mapped, {reason}: answered " + ", ".join(f"{k} {v}" for k, v in sorted(table.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) >= 3 and args[0] == "export":
        options = dict(zip(args[3::2], args[4::2]))
        export(args[1], args[2], options.get("--waimai"), options.get("--airline"), options.get("--sample"), options.get("--waimai-fresh"),
               options.get("--airline-fresh"), options.get("--airline-third"),
               options.get("--airline-fourth"))
    elif len(args) >= 3 and args[0] == "measure-topics":
        options = dict(zip(args[3::2], args[4::2]))
        if set(options) - {"--split"} or options.get("--split", "all") not in ("dev", "test", "all"):
            sys.exit("measure-topics: the only option is --split dev|test|all")
        measure_topics(args[1], args[2], options.get("--split", "all"))
    elif len(args) >= 2 and args[0] == "measure":
        measure(args[1:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
