#!/usr/bin/env python3
"""Draws the candidates of the Chinese intent set (tests/SentimentWatch.Scoring.Tests/Data/intent-check.tsv, docs/intent-rubric.md).

Usage: tools/intent-candidates.py [DATA] [OUT]  (DATA default ../shared/data, OUT default a folder outside the repository)
Writes OUT/candidates.tsv, OUT/candidates2.tsv and OUT/candidates3.tsv: index, corpus, key (FNV-1a over the UTF-16 code units of the text as the CSV
holds it, trimmed, like TopicCheck.Key), text. The texts are for the reader only and must not be committed (the corpora's terms).
The corpus labels are not written, so the reader labels intent without seeing them.
Draw 1 (seed 20261203): 170 SMP2020 posts annotated neutral that hold a question or announcement mark, 60 SMP2020 posts starting
like an announcement, 150 SMP2020 posts with a question mark, 170 weibo_senti_100k posts with either. Draw 2 (seed 20261204):
150 more posts with a plain-question phrase (请问, 有没有人, 谁知道, 求推荐, 哪里有 ...), to have enough questions. Draw 3
(seed 20261205, decision 211): 800 more posts with a plain-question phrase (a wider list: 想问, 在哪, 什么时候, 有没有…？ ...),
none already in intent-check.tsv; written to OUT/candidates3.tsv. Draws 1 and 2 are unchanged by it (drawn first, same seeds).
Never drawn: posts of crisis-check.tsv or complaints.tsv, and the SMP2020 test splits (train-sentiment's held-out set).
"""
import sys, os
DATA = sys.argv[1] if len(sys.argv) > 1 else '../shared/data'
OUT = sys.argv[2] if len(sys.argv) > 2 else '../intent-candidates'
os.makedirs(OUT, exist_ok=True)
import csv, random, re, sys, unicodedata
D=os.path.join(DATA,'sentiment-zh-weibo')+'/'
T=os.path.join(os.path.dirname(os.path.abspath(__file__)),'..','tests','SentimentWatch.Scoring.Tests','Data')+'/'
def fnv(s):
    h=2166136261
    b=s.encode('utf-16-le')
    for i in range(0,len(b),2):
        c=b[i]|(b[i+1]<<8)
        h=((h^c)*16777619)&0xffffffff
    return '%08x'%h
def clean(x): return x.strip().strip('\ufeff')
excl=set()
for f in ['crisis-check.tsv','complaints.tsv']:
    for l in open(T+f,encoding='utf-8'):
        if l.startswith('#'): continue
        for p in l.rstrip('\n').split('\t'):
            if re.fullmatch(r'[0-9a-f]{8}',p): excl.add(p)
# held-out test texts (SMP2020 test splits) as train-sentiment compares: Key(text) = NFKC lower squeezed
def key(t): return re.sub(r'\s+',' ',unicodedata.normalize('NFKC',t).lower()).strip()
def strip_emo(t): return re.sub(r' {2,}',' ',re.sub(r'\[[^\[\]\s]{1,8}\]',' ',t)).strip()
smp=[];wb=[]
with open(D+'smp2020_ewect_weibo.csv',encoding='utf-8') as f:
    for r in csv.DictReader(f):
        smp.append((clean(r['split']),clean(r['text']),clean(r['sentiment'])))
with open(D+'weibo_senti_100k_partial.csv',encoding='utf-8') as f:
    for r in csv.DictReader(f):
        wb.append((clean(r['label']),clean(r['review'])))
testkeys=set()
for s,t,_ in smp:
    if s.endswith('_test'):
        testkeys.add(key(t)); testkeys.add(key(strip_emo(t)))
Q=re.compile(r'[？?]|请问|有没有|什么时候|吗|怎么|哪里|哪儿|为什么|为啥|谁知道|求推荐|求助|多少钱|几点')
A=re.compile(r'^(【|\[?通知|公告|#[^#]+#\s*【)')
def ok(t):
    k=fnv(t)
    return k not in excl and key(t) not in testkeys and key(strip_emo(t)) not in testkeys and 6<=len(t)<=200
rng=random.Random(20261203)
seen=set();out=[]
def take(pool,n,src):
    rng.shuffle(pool); c=0
    for t,lab in pool:
        k=fnv(t)
        if k in seen or not ok(t): continue
        seen.add(k); out.append((src,k,lab,t)); c+=1
        if c>=n: break
smp_tr=[(t,l) for s,t,l in smp if not s.endswith('_test')]
take([(t,l) for t,l in smp_tr if l=='neutral' and (Q.search(t) or A.search(t))],170,'zh-smp2020')
take([(t,l) for t,l in smp_tr if A.search(t)],60,'zh-smp2020')
take([(t,l) for t,l in smp_tr if Q.search(t)],150,'zh-smp2020')
take([(t,l) for l,t in wb if Q.search(t) or A.search(t)],170,'zh-weibo-senti')
rng.shuffle(out)
with open(os.path.join(OUT,'candidates.tsv'),'w',encoding='utf-8') as f:
    for i,(src,k,lab,t) in enumerate(out):
        f.write('%d\t%s\t%s\t%s\n'%(i,src,k,t.replace('\t',' ').replace('\n',' ')))
print(len(out), len(excl), len(testkeys))

def phrase_draw(pattern, seed, seen, n, first_index, name):
    """Up to n posts holding one of the phrases (never an SMP2020 test post, nor a key in seen), at most 140 characters,
    in the order of a shuffle with this seed; written to OUT/name numbered from first_index. Adds the keys drawn to seen."""
    draw_rng=random.Random(seed)
    pool=[t for s,t,l in smp if not s.endswith('_test') and pattern.search(t)]+[t for l,t in wb if pattern.search(t)]
    draw_rng.shuffle(pool)
    drawn=[]
    for t in pool:
        k=fnv(t)
        if k in seen or not ok(t) or len(t)>140: continue
        seen.add(k); drawn.append((src.get(t,'zh-weibo-senti'),k,t))
        if len(drawn)>=n: break
    with open(os.path.join(OUT,name),'w',encoding='utf-8') as f:
        for i,(s_,k,t) in enumerate(drawn):
            f.write('%d\t%s\t%s\t%s\n'%(first_index+i,s_,k,t.replace('\t',' ').replace('\n',' ')))
    print(len(drawn),len(pool))

src={t:'zh-smp2020' for s,t,l in smp}
seen=set(k for _,k,_,_ in out)

# Draw 2: plain-question phrases.
Q2=re.compile(r'请问|有没有人|有人知道|谁知道|求推荐|求问|哪里可以|哪里有|哪儿有|怎么办理|怎么设置|怎么弄|在哪里买|多少钱|几点|什么时候开|能不能.*吗|可以.*吗？')
phrase_draw(Q2, 20261204, seen, 150, 1000, 'candidates2.tsv')

# Draw 3 (decision 211): more plain-question phrases, because decision 210's head had only 24 questions to learn from.
# Never a post of draws 1 and 2 (the 700 posts of intent-check.tsv before it); it does not read intent-check.tsv, so appending
# its own labels there does not change what it draws.
Q3=re.compile(r'请问|有没有人|有人知道|谁知道|求推荐|求问|想问|哪里有|哪儿有|哪里可以|在哪|多少钱|几点|什么时候|怎么办理|有没有.{0,12}[？?]')
phrase_draw(Q3, 20261205, seen, 800, 3000, 'candidates3.tsv')

# Draw 4 (decision 213): what decision 211's head lacked. Complaints asked as questions (a question mark and a service or
# product complaint word), which the head learned to clear, and plain questions drawn by the narrow phrases that found them best
# in draw 3 (哪里有 6 of 10, 求推荐 4 of 5, 请问 11 of 76, 谁知道 7 of 29). 200 of each, never a post of draws 1-3; written to
# OUT/candidates4.tsv (the two strata shuffled together, so the reader cannot tell them apart).
Q4a=re.compile(r'(?=.*[？?])(?=.*(客服|快递|退款|退货|质量|售后|物流|发货|服务|投诉|商家|店家|骗|坑|垃圾|破|差))')
Q4b=re.compile(r'哪里有|哪儿有|求推荐|求问|请问|谁知道|有人知道|有谁知道')
def draw_strata(seed, strata, first_index, name):
    """Each stratum's pool shuffled with this seed (in order), then up to n posts taken from each (never a key in seen, at most
    140 characters), the posts taken shuffled together and written to OUT/name numbered from first_index."""
    draw_rng=random.Random(seed)
    for pool,_ in strata: draw_rng.shuffle(pool)
    drawn=[]
    for pool,n in strata:
        c=0
        for t in pool:
            k=fnv(t)
            if k in seen or not ok(t) or len(t)>140: continue
            seen.add(k); drawn.append((src.get(t,'zh-weibo-senti'),k,t)); c+=1
            if c>=n: break
    draw_rng.shuffle(drawn)
    with open(os.path.join(OUT,name),'w',encoding='utf-8') as f:
        for i,(s_,k,t) in enumerate(drawn):
            f.write('%d\t%s\t%s\t%s\n'%(first_index+i,s_,k,t.replace('\t',' ').replace('\n',' ')))
    print(len(drawn))
def both(pattern): return [t for s,t,l in smp if not s.endswith('_test') and pattern.search(t)]+[t for l,t in wb if pattern.search(t)]
draw_strata(20261213, [(both(Q4a),200),(both(Q4b),200)], 5000, 'candidates4.tsv')

# Draw 5 (decision 222): a fresh test set. Decisions 210-213 read the test splits of this set and of the crisis check three
# times, so the next head is measured on posts no one has read: 150 SMP2020 and 100 weibo_senti_100k posts with a question or
# announcement mark (draw 1's marks) and 150 with a question mark and a complaint word (draw 4's first stratum), never a post of
# draws 1-4 (nor a key already in intent-check.tsv), shuffled together; written to OUT/candidates5.tsv, numbered from 7000.
# All of them form the split `fresh`, which no training or choice reads.
for l in open(T+'intent-check.tsv',encoding='utf-8'):
    if l.startswith('#'): continue
    p=l.rstrip('\n').split('\t')
    if len(p)>=6 and p[3]!='fresh': seen.add(p[5])  # draw 5's own posts (split fresh) are what it draws again
draw_strata(20261222, [([t for s,t,l in smp if not s.endswith('_test') and (Q.search(t) or A.search(t))],150),
                       ([t for l,t in wb if Q.search(t) or A.search(t)],100),
                       (both(Q4a),150)], 7000, 'candidates5.tsv')
