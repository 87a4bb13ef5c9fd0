using System.Reflection;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Scoring.Featurization;

/// <summary>
/// Finds a report of harm (food or product safety, injury, illness, fire, recall) in a post's folded text, from the
/// hand-written Lexicon/harm-terms.tsv (decision 121). A sentiment v2 model moves the probabilities of such a post
/// towards negative by the shifts in its manifest: the training corpora hold few harm reports, so the n-grams alone
/// read "my kid was hospitalized after eating their burger" as neutral news.
/// </summary>
public sealed class HarmTerms
{
    private const int ChineseNegationWindow = 3;
    private const int ChineseHedgeWindow = 10;

    // Words that make a Chinese harm term a warning, a tip, a hypothesis or a question rather than a report when they come
    // before it in the same sentence (decision 242): 小心烫伤, 以免中毒, 如果过敏, 没有任何呕吐迹象, 会不会中毒, 有没有人拉肚子.
    private static readonly string[] ChineseHedges =
        ["避免", "以免", "小心", "当心", "谨防", "提防", "以防", "如果", "万一", "任何", "会不会", "有没有", "是不是", "能不能", "容易", "千万", "注意", "如何"];
    private const int MaxWordLength = 40;

    // How far a sentence, or the words before a term, is read from the term: a post of 100,000 characters with no sentence end
    // and a term in every word must not be read whole once per term (a post of "died " repeated took 116 s to score).
    private const int SentenceWindow = 400;

    // How many places a post's judgement reads per Chinese term, and how many English terms it reads in all, before it stops:
    // no post that reports harm holds a harm word a hundred times and finds every one set aside. Past that, the Chinese term's
    // later places and the English words after the hundredth found term are not read (the judgement so far stands).
    private const int MaxTermsRead = 100;

    private static readonly string[] EnglishNegators = ["no", "not", "never", "without", "nobody", "none", "wasn't", "weren't", "didn't", "isn't", "aren't", "n't"];

    private readonly ChineseTerm[] _chinese;
    private readonly string[] _english;

    // English terms by their first word (decision 183): by its stem (vomit, vomits, vomited, vomitted, vomiting all read
    // "vomit") or, for a term written "=word" in the list, by the word exactly as written.
    private readonly Dictionary<string, EnglishTerm[]>.AlternateLookup<ReadOnlySpan<char>> _byStem;
    private readonly Dictionary<string, EnglishTerm[]>.AlternateLookup<ReadOnlySpan<char>> _byWord;

    // Phrases written "!phrase" in the list (decision 241): where one matches, the words it covers report no harm ("my phone
    // died", "died laughing"). Matched by stems, word by word, like the terms.
    private readonly Dictionary<string, EnglishTerm[]>.AlternateLookup<ReadOnlySpan<char>> _exceptions;

    // Written "!word ... term": the term reports no harm when one of the three words before it is that word ("my phone just
    // died", "the battery has died"). Keyed by the term's first stem, the blocking words by stem.
    private readonly Dictionary<string, HashSet<string>> _blockers;

    // Written "!word ~ term" (decision 245): the term reports no harm when that word is anywhere in its sentence and the sentence
    // names neither the writer nor someone close to them ("Adebayor will miss Thursday's game with a hamstring injury"; "my son
    // got injured at his game" is still harm). Keyed by the term's first stem, the context words by stem.
    private readonly Dictionary<string, HashSet<string>> _sentenceBlockers;

    // Words that make an injury someone's own news, not a roster's: the writer, or someone close to them ("Niece … reinjured ankle
    // @ last night b-ball game" is a report; a fresh crisis-check item lost by the first version, without the relations). By stem,
    // so plurals count (friends, sons).
    private static readonly HashSet<string> Personal = Stems(
        "i", "im", "my", "me", "mine", "myself", "we", "our", "us", "son", "daughter", "kid", "child", "children", "baby", "niece",
        "nephew", "brother", "sister", "mom", "mum", "mother", "dad", "father", "parent", "family", "husband", "wife", "boyfriend",
        "girlfriend", "friend", "cousin", "aunt", "uncle", "grandma", "grandpa");

    // A count among the two words before the term makes it casualty news, not a roster's ("30 fans injured", "dozens injured").
    private static readonly HashSet<string> Counts = Stems(
        "dozen", "dozens", "several", "many", "people", "fans", "spectators", "workers", "passengers", "students", "others", "hundreds");

    // Numbers written as words, for a count before a death ("Two died at the warehouse"); "one" is left out ("One died in the
    // film").
    private static readonly HashSet<string> Numbers = Stems(
        "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
        "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "hundred", "hundreds", "thousand",
        "thousands", "dozen", "dozens");

    private static HashSet<string> Stems(params string[] words)
    {
        Span<char> buffer = stackalloc char[MaxWordLength];
        var stems = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in words)
        {
            stems.Add(Stem(word, buffer).ToString());
        }

        return stems;
    }

    public HarmTerms(IEnumerable<string> terms)
    {
        // Folded like the text it is matched against (NFKC, lower case): a full-width or ligature letter in the list would
        // otherwise never match.
        var list = terms.Select(t => t.Trim().Normalize(System.Text.NormalizationForm.FormKC).ToLowerInvariant()).Where(t => t.Length > 0 && t[0] != '#').Distinct().ToList();
        if (list.FirstOrDefault(t => t[0] == '!' && t.Contains('?', StringComparison.Ordinal)) is { } excepted)
        {
            throw new InvalidDataException($"harm-terms.tsv: '{excepted}': an exception or a blocker takes no context words");
        }

        // A line's language is its term's, not its contexts' ("died?after|医院" is an English term with a context it can never read).
        static bool Chinese(string t) => t.Split('?', 2)[0].Any(IsCjk);
        var chineseExceptions = list.Where(t => t[0] == '!' && Chinese(t)).Select(t => t[1..]).ToList();
        _chinese = [.. list.Where(t => Chinese(t) && t[0] != '!').Select(t => ChineseTerm.Parse(t, chineseExceptions))];
        var english = list.Where(t => !Chinese(t) && t[0] != '!').Select(EnglishTerm.Parse).Where(t => t.Words.Length > 0).ToList();
        _english = [.. english.Select(t => t.Term)];
        _byStem = english.Where(t => !t.Exact).GroupBy(t => t.Words[0]).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _byWord = english.Where(t => t.Exact).GroupBy(t => t.Words[0]).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _blockers = Blockers(list, " ... ");
        _sentenceBlockers = Blockers(list, " ~ ");
        _exceptions = list.Where(t => t[0] == '!' && !t.Any(IsCjk) && !t.Contains(" ... ", StringComparison.Ordinal) && !t.Contains(" ~ ", StringComparison.Ordinal)).Select(t => EnglishTerm.Parse(t[1..])).Where(t => t.Words.Length > 0 && !t.Exact)
            .GroupBy(t => t.Words[0]).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        Version = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{Training.TrainingRun.StableHash("stem1+hedge2+handle2+sentence1+context2\n" + string.Join('\n', list)):x8}");
    }

    // Lines "!word<separator>term": the blocking words (by stem) keyed by the stem of the term's first word.
    private static Dictionary<string, HashSet<string>> Blockers(List<string> list, string separator) =>
        list.Where(t => t[0] == '!' && t.Contains(separator, StringComparison.Ordinal)).Select(t => t[1..].Split(separator, 2))
            .Select(p => (Word: EnglishTerm.Parse(p[0]).Words, Term: EnglishTerm.Parse(p[1]).Words)).Where(p => p.Word.Length == 1 && p.Term.Length > 0)
            .GroupBy(b => b.Term[0]).ToDictionary(g => g.Key, g => g.Select(b => b.Word[0]).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>The shipped list (Lexicon/harm-terms.tsv).</summary>
    public static HarmTerms Shipped { get; } = new(ReadResource("harm-terms.tsv"));

    public IReadOnlyList<string> Terms => [.. _chinese.Select(t => t.Term), .. _english];

    /// <summary>
    /// Names the list and how it matches (decision 183) in the served model version, so editing either re-scores stored
    /// mentions: a hash of the listed terms and the matching rule's generation.
    /// </summary>
    public string Version { get; }

    /// <summary>The first harm term the folded text reports (not negated), or null.</summary>
    public string? Find(string folded) => Judge(folded).Term;

    /// <summary>
    /// The first harm term the folded text reports, or, when it reports none, whether every listed term read in it was where
    /// it does not mean harm: in an @handle, out of its context, inside an exception phrase or after a device word (decision
    /// 243). A negated or hedged term is never "dismissed", and one in a post makes the post not dismissed: it speaks of harm.
    /// </summary>
    public HarmJudgement Judge(string folded)
    {
        if (string.IsNullOrEmpty(folded))
        {
            return default;
        }

        var span = folded.AsSpan();
        var dismissed = false;
        var speaks = false;
        foreach (var chinese in _chinese)
        {
            var term = chinese.Term;
            for (int at = span.IndexOf(term, StringComparison.Ordinal), read = 0; at >= 0 && read < MaxTermsRead; read++)
            {
                var notHarm = InHandle(span, at) || chinese.Excepted(span, at) || !chinese.InContext(span, at);
                if (!notHarm && !ChineseNegated(span, at) && !ChineseHedged(span, at))
                {
                    return new HarmJudgement(term, false);
                }

                // A name, a figure of speech, an insect with no food: the word does not mean harm here. A negated or hedged
                // term still does ("没有中毒", "千万别骨折"), and the post may be a report the list misreads ("No baby got sick").
                dismissed |= notHarm;
                speaks |= !notHarm;
                var next = span[(at + term.Length)..].IndexOf(term, StringComparison.Ordinal);
                at = next < 0 ? -1 : at + term.Length + next;
            }
        }

        var english = FindEnglish(span, ref dismissed, ref speaks);

        // Dismissed only when every term read is set aside as not meaning harm: one negated or hedged term beside a handle
        // ("//@孤狼受伤: 万幸没有人受伤") still speaks of harm.
        return new HarmJudgement(english, english is null && dismissed && !speaks);
    }

    /// <summary>
    /// The folded text with every listed term blanked out (each of its characters a space): what a post says without the
    /// words the list reads, to ask whether it reads as a safety matter without them (decision 243).
    /// </summary>
    public string MaskTerms(string folded)
    {
        if (string.IsNullOrEmpty(folded))
        {
            return folded;
        }

        var chars = folded.ToCharArray();
        var span = folded.AsSpan();
        foreach (var chinese in _chinese)
        {
            for (var at = span.IndexOf(chinese.Term, StringComparison.Ordinal); at >= 0;)
            {
                chars.AsSpan(at, chinese.Term.Length).Fill(' ');
                var next = span[(at + chinese.Term.Length)..].IndexOf(chinese.Term, StringComparison.Ordinal);
                at = next < 0 ? -1 : at + chinese.Term.Length + next;
            }
        }

        Span<char> buffer = stackalloc char[MaxWordLength];
        Span<char> next2 = stackalloc char[MaxWordLength];
        for (var at = 0; NextWord(span, ref at, out var start, out var length);)
        {
            if (length > MaxWordLength)
            {
                continue;
            }

            var end = -1;
            if (_byWord.TryGetValue(span.Slice(start, length), out var exact))
            {
                end = Math.Max(end, LongestMatch(exact, span, at, next2));
            }

            if (_byStem.TryGetValue(Stem(span.Slice(start, length), buffer), out var stemmed))
            {
                end = Math.Max(end, LongestMatch(stemmed, span, at, next2));
            }

            if (end > start)
            {
                chars.AsSpan(start, end - start).Fill(' ');
            }
        }

        return new string(chars);
    }

    private static int LongestMatch(EnglishTerm[] candidates, ReadOnlySpan<char> text, int after, Span<char> buffer)
    {
        var end = -1;
        foreach (var candidate in candidates)
        {
            end = Math.Max(end, MatchEnd(candidate, text, after, buffer));
        }

        return end;
    }

    /// <summary>
    /// The stem both the list and the text are compared by (decision 183): one suffix off (-ies → -y, -ing, -ed, a plural
    /// or third-person -s), a doubled final consonant after -ing/-ed undone (vomitted, vomitting, getting), then a final
    /// -e off, so the forms of one word meet (hospitalize/hospitalized, explode/exploded). Lower-cases as it copies.
    /// </summary>
    public static ReadOnlySpan<char> Stem(ReadOnlySpan<char> word, Span<char> buffer)
    {
        var n = word.Length;
        for (var i = 0; i < n; i++)
        {
            buffer[i] = char.ToLowerInvariant(word[i]);
        }

        var stripped = false;
        if (n >= 5 && buffer[..n].EndsWith("ies"))
        {
            n -= 2;
            buffer[n - 1] = 'y';
        }
        else if (n >= 6 && buffer[..n].EndsWith("ing"))
        {
            n -= 3;
            stripped = true;
        }
        else if (n >= 5 && buffer[..n].EndsWith("ed"))
        {
            n -= 2;
            stripped = true;
        }
        else if (n >= 4 && buffer[n - 1] == 's' && buffer[n - 2] is not ('s' or 'u' or 'i'))
        {
            n -= 1;
        }

        if (stripped && n >= 3 && buffer[n - 1] == buffer[n - 2] && buffer[n - 1] is >= 'a' and <= 'z' and not ('a' or 'e' or 'i' or 'o' or 'u' or 'l' or 's' or 'z'))
        {
            n -= 1;
        }

        if (n >= 5 && buffer[n - 1] == 'e')
        {
            n -= 1;
        }

        return buffer[..n];
    }

    // One pass over the words of the text: each word's stem (and the word itself, for exact terms) is looked up; a phrase
    // is then checked word by word from there. Words an exception phrase covers are skipped. No allocation unless a term is found.
    private string? FindEnglish(ReadOnlySpan<char> text, ref bool dismissed, ref bool speaks)
    {
        Span<char> buffer = stackalloc char[MaxWordLength];
        Span<char> next = stackalloc char[MaxWordLength];
        var maskedUntil = -1;
        var reading = default(PostReading);
        var read = 0;
        for (var at = 0; NextWord(text, ref at, out var start, out var length);)
        {
            if (length > MaxWordLength)
            {
                continue;
            }

            var word = text.Slice(start, length);
            var stem = Stem(word, buffer);
            if (_exceptions.TryGetValue(stem, out var exceptions))
            {
                foreach (var exception in exceptions)
                {
                    maskedUntil = Math.Max(maskedUntil, MatchEnd(exception, text, at, next, withinClause: true));
                }
            }

            var found = _byWord.TryGetValue(word, out var exact) ? Match(exact, text, at, next) : null;
            found ??= _byStem.TryGetValue(stem, out var stemmed) ? Match(stemmed, text, at, next) : null;
            if (found is null)
            {
                continue;
            }

            var notHarm = start < maskedUntil || Blocked(stem, text[..start]) || SentenceBlocked(stem, text, start) || !InContext(found, text, start, ref reading);
            if (!notHarm && !EnglishNegated(text[WindowStart(text, start)..start]))
            {
                return found.Term;
            }

            dismissed |= notHarm;
            speaks |= !notHarm;
            if (++read >= MaxTermsRead)
            {
                break;
            }
        }

        return null;
    }

    private static EnglishTerm? Match(EnglishTerm[] candidates, ReadOnlySpan<char> text, int after, Span<char> buffer)
    {
        foreach (var candidate in candidates)
        {
            if (MatchEnd(candidate, text, after, buffer) >= 0)
            {
                return candidate;
            }
        }

        return null;
    }

    // Where the term's words end in the text when they follow from its first word (which ends at after), or -1. An exception
    // phrase (withinClause) holds only inside one clause: "we killed it" is praise, "a worker was killed. It happened …" is not.
    private static int MatchEnd(EnglishTerm candidate, ReadOnlySpan<char> text, int after, Span<char> buffer, bool withinClause = false)
    {
        var at = after;
        for (var w = 1; w < candidate.Words.Length; w++)
        {
            var end = at;
            if (!NextWord(text, ref at, out var start, out var length) || length > MaxWordLength
                || (withinClause && EndsClause(text[end..start]))
                || !(candidate.Exact ? text.Slice(start, length) : Stem(text.Slice(start, length), buffer)).SequenceEqual(candidate.Words[w]))
            {
                return -1;
            }
        }

        // An exception phrase's last word must end there: "killed it" is not in "my brother got killed it's so unfair" (the
        // apostrophe splits "it's" into words).
        if (withinClause && at + 1 < text.Length && text[at] is '\'' or '\u2019' && char.IsAsciiLetter(text[at + 1]))
        {
            return -1;
        }

        return at;
    }

    // A word: a run of letters other than CJK ideographs, and underscores ("e. coli" is the words e, coli; @roofer_on_fire is one word).
    private static bool NextWord(ReadOnlySpan<char> text, ref int at, out int start, out int length)
    {
        while (at < text.Length && !IsWordChar(text[at]))
        {
            at++;
        }

        start = at;
        while (at < text.Length && IsWordChar(text[at]))
        {
            at++;
        }

        length = at - start;
        return length > 0;
    }

    private static bool IsWordChar(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or '_' || (c > '\u007f' && char.IsLetter(c) && !IsCjk(c));

    // @吃着火锅唱着歌劫麻匪, //@维尼疯人院01床虫子: a harm word inside a Weibo or Twitter handle is a name, not a report. A handle
    // is letters, digits, '_' and '-' after an '@'; any other character before the term ends the search (【@美团外卖】…拉肚子 is harm).
    private static bool InHandle(ReadOnlySpan<char> text, int at)
    {
        for (var i = at - 1; i >= 0 && i >= at - 30; i--)
        {
            var c = text[i];
            if (c == '@')
            {
                return true;
            }

            if (!(char.IsLetterOrDigit(c) || c is '_' or '-'))
            {
                return false;
            }
        }

        return false;
    }

    // 小心烫伤, 如果过敏, 会不会中毒？: a hedge among the ten characters before the term, within its sentence (folded text: a
    // line break is a space by then, not a sentence end). 有没有搞错 is indignation, not a question ("有没有搞错，吃出虫子！"
    // reports harm); a hedge after 不, 没 or 未 is none (不小心烫伤 = burned by accident, 好不容易, 没注意).
    private static bool ChineseHedged(ReadOnlySpan<char> text, int at)
    {
        var window = text[Math.Max(0, at - ChineseHedgeWindow)..at];
        window = window[(window.LastIndexOfAny(SentenceEnds) + 1)..];
        foreach (var hedge in ChineseHedges)
        {
            for (var i = window.IndexOf(hedge, StringComparison.Ordinal); i >= 0;)
            {
                var position = at - window.Length + i;
                var after = text[(position + hedge.Length)..];
                var negated = position > 0 && text[position - 1] is '不' or '没' or '未';
                if (!(hedge == "有没有" && after.StartsWith("搞错", StringComparison.Ordinal)) && !negated)
                {
                    return true;
                }

                var next = window[(i + hedge.Length)..].IndexOf(hedge, StringComparison.Ordinal);
                i = next < 0 ? -1 : i + hedge.Length + next;
            }
        }

        return false;
    }

    // 没有拉肚子, 不会中毒, 无人受伤, 未起火: a negator just before the term.
    private static bool ChineseNegated(ReadOnlySpan<char> text, int at)
    {
        var from = Math.Max(0, at - ChineseNegationWindow);
        foreach (var c in text[from..at])
        {
            if (c is '没' or '不' or '无' or '未' or '别' or '防')
            {
                return true;
            }
        }

        return false;
    }

    // "my phone just died": a blocking word for the term's first word among the three words before it in the same sentence
    // ("Dropped my phone. Dad died this morning" is harm).
    private bool Blocked(ReadOnlySpan<char> stem, ReadOnlySpan<char> before)
    {
        if (_blockers.Count == 0 || !_blockers.TryGetValue(stem.ToString(), out var words))
        {
            return false;
        }

        var lower = WindowStart(before, before.Length);
        for (var i = before.Length - 1; i >= lower; i--)
        {
            if (EndsSentence(before, i))
            {
                lower = i + 1;
                break;
            }
        }

        before = before[lower..];

        Span<char> buffer = stackalloc char[MaxWordLength];
        var previous = new List<string>();
        for (var at = 0; NextWord(before, ref at, out var start, out var length);)
        {
            previous.Add(length > MaxWordLength ? "" : Stem(before.Slice(start, length), buffer).ToString());
        }

        return previous.TakeLast(3).Any(words.Contains);
    }

    // A term written "term?word|word" (decision 246) reports harm only when the post says what caused it or who it happened to
    // (one of those words, anywhere in the post), its sentence names the writer or someone close, or a count comes among the three
    // words before it. "my cousin died last night", "a customer died after eating there", "40 died in the crash" are reports; "JG
    // Ballard died. RIP", "Marissa died" (a TV series), "This died between Rousey and Mayweather" are not.
    // What the whole post says is read once per post (contexts, a past year), not once per term found in it.
    private static bool InContext(EnglishTerm term, ReadOnlySpan<char> text, int at, ref PostReading reading)
    {
        if (!term.HasContexts)
        {
            return true;
        }

        // A death dated in the last century is history ("25 March 1972: An IRA volunteer was killed …", "Elvis died in Memphis on
        // August 16, 1977"): an anniversary, not harm now, whatever caused it (decision 248).
        reading.PastCenturyYear ??= NamesPastCenturyYear(text);
        if (reading.PastCenturyYear.Value)
        {
            return false;
        }

        // What caused it, anywhere in the post ("My daughter had the chicken at your restaurant. She died.").
        reading.Contexts ??= [];
        if (!reading.Contexts.TryGetValue(term, out var named))
        {
            named = term.NamesContext(text);
            reading.Contexts[term] = named;
        }

        if (named)
        {
            return true;
        }

        // Whose harm, in its own sentence ("Frank Gifford died. … with my dad" is an obituary). The writer counts too: "I'm so sorry
        // for the horses who died at the polo match" is a report, so "I can't believe Leonard Cohen died" stays one as well
        // (leaving the writer out lost that report in the dev half for one false alarm fewer: not kept).
        var before = new List<string>();
        if (ReadSentence(text, at, null, before, out _, out var lead))
        {
            return true;
        }

        // A count among the three words before it ("Ten more have died", "At least 40 died"), not an age, a year or an ordinal
        // ("Carrie Fisher, 60, has died", "In 2009 Ballard died", "Season 3rd … died").
        return before.TakeLast(3).Any(w => Counts.Contains(w) || Numbers.Contains(w)) || CasualtyCountBefore(lead);
    }

    // A year 1800–1999 written as four digits standing alone ("1971", "1920:", "Dec 1971-"; not "19:45", "£1999", "1999s" or a
    // longer number).
    private static bool NamesPastCenturyYear(ReadOnlySpan<char> text)
    {
        for (var i = text.IndexOfAnyInRange('0', '9'); i >= 0 && i < text.Length;)
        {
            var end = i;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            var standsAlone = (i == 0 || !(char.IsLetterOrDigit(text[i - 1]) || text[i - 1] is '£' or '$' or '€' or '.' or ',' or ':'))
                && (end == text.Length || !(char.IsLetterOrDigit(text[end]) || text[end] is '.' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1])));
            if (standsAlone && end - i == 4 && text[i] == '1' && text[i + 1] is '8' or '9' && Dated(text, i, end))
            {
                return true;
            }

            var next = text[end..].IndexOfAnyInRange('0', '9');
            i = next < 0 ? -1 : end + next;
        }

        return false;
    }

    // A year written as a date, not as a count, a time, a phone number or a model year ("1900 killed", "At 1830", "line 1800 555
    // 123", "his 1999 Jeep"): after a month's name ("Dec 1971", "August 16, 1977"), after in, since, of or circa ("died in
    // 1994"), or before a colon ("1920: …").
    private static bool Dated(ReadOnlySpan<char> text, int start, int end)
    {
        if (end < text.Length && text[end] == ':')
        {
            return true;
        }

        var before = text[Math.Max(0, start - 40)..start].ToString().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var previous = before.Length > 0 ? Token(before[^1]) : "";
        if (DateWords.Contains(previous))
        {
            return true;
        }

        // "August 16, 1977" ("on 12 August 1989" is the case above).
        return before.Length > 1 && previous.Length is 1 or 2 && previous.All(char.IsAsciiDigit) && AllMonths.Contains(Token(before[^2]));
    }

    private static readonly HashSet<string> AllMonths = new(MonthNames(), StringComparer.Ordinal);

    private static readonly HashSet<string> DateWords = new(["in", "since", "of", "circa", .. MonthNames()], StringComparer.Ordinal);

    // A whitespace-separated token as a bare lower-case word ("Dec," "(1971)" → "dec", "1971").
    private static string Token(string token) => token.Trim(',', '.', '(', ')').ToLowerInvariant();

    // The term's sentence read word by word (stems): whether it names the writer or someone close (the return value), the words
    // before the term (into before), whether any word is one of words, and the text of the sentence before the term.
    private static bool ReadSentence(ReadOnlySpan<char> text, int at, HashSet<string>? words, List<string> before, out bool context, out ReadOnlySpan<char> lead)
    {
        var sentence = EnglishSentence(text, at, out var from);
        var offset = at - from;
        lead = sentence[..offset];
        context = false;
        var personal = false;
        Span<char> buffer = stackalloc char[MaxWordLength];
        for (var i = 0; NextWord(sentence, ref i, out var start, out var length);)
        {
            var word = length > MaxWordLength ? "" : Stem(sentence.Slice(start, length), buffer).ToString();
            personal |= Personal.Contains(word);
            context |= words?.Contains(word) == true;
            if (start < offset)
            {
                before.Add(word);
            }
        }

        return personal;
    }

    // A number among the three words before a death that reads as a casualty count: not "60," between commas (an age), not a
    // year 1900–2099, not an ordinal (3rd).
    private static bool CasualtyCountBefore(ReadOnlySpan<char> before)
    {
        var tokens = before.ToString().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        for (var i = Math.Max(0, tokens.Length - 3); i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (token.Length == 0 || !char.IsAsciiDigit(token[0]))
            {
                continue;
            }

            var digits = token.TrimEnd(',');
            var age = token.EndsWith(',') && i > 0 && tokens[i - 1].EndsWith(',');

            // "In season 3 Marissa died", "aged 60", "On 5 June Ballard died", "June 5": a number that names, not counts.
            var named = (i > 0 && NotCounting.Contains(Token(tokens[i - 1])))
                || (i + 1 < tokens.Length && Months.Contains(Token(tokens[i + 1])));
            if (named)
            {
                continue;
            }

            var year = digits.Length == 4 && digits.All(char.IsAsciiDigit) && int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) is >= 1900 and <= 2099;
            var ordinal = digits.Any(char.IsAsciiLetter);
            if (!age && !year && !ordinal)
            {
                return true;
            }
        }

        return false;
    }

    // Words before a number that make it a name or a date, not a count of dead ("season 3", "aged 60", "June 5").
    private static readonly HashSet<string> NotCounting = new(
        ["season", "episode", "ep", "chapter", "part", "page", "vol", "volume", "level", "round", "book", "series", "aged", "age",
         "day", "game", "no", "number", "issue", "track", "act", "scene", "week", "at", "since", "until", "till", "by", .. MonthNames()],
        StringComparer.Ordinal);

    // After a number: not "may" ("60 may have died").
    private static readonly HashSet<string> Months = new(MonthNames().Where(m => m != "may"), StringComparer.Ordinal);

    private static IEnumerable<string> MonthNames() =>
        ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
         "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"];

    // The English sentence holding the character at (the term sits at at - from in it).
    // Read at most SentenceWindow characters either side. The full stop of a title ("my uncle Dr. Smith died") does not end it;
    // an ellipsis does ("I was lovin that movie... Then he died!" is no report of the writer's; decision 248 measured the
    // other reading: two more tweets of Sentiment140 filed safety, no report gained in either check).
    private static ReadOnlySpan<char> EnglishSentence(ReadOnlySpan<char> text, int at, out int from)
    {
        var lower = WindowStart(text, at);
        from = lower;
        for (var i = at - 1; i >= lower; i--)
        {
            if (EndsSentence(text, i))
            {
                from = i + 1;
                break;
            }
        }

        var upper = WindowEnd(text, at);
        var to = upper;
        for (var i = at; i < upper; i++)
        {
            if (EndsSentence(text, i))
            {
                to = i;
                break;
            }
        }

        return text[from..to];
    }

    // Where a window of SentenceWindow characters before at begins: at a word's start, so a cut word ("ignition" cut to "i")
    // never reads as a word of its own.
    private static int WindowStart(ReadOnlySpan<char> text, int at)
    {
        var lower = Math.Max(0, at - SentenceWindow);
        if (lower > 0)
        {
            while (lower < at && IsWordChar(text[lower]))
            {
                lower++;
            }
        }

        return lower;
    }

    // Where a window of SentenceWindow characters after at ends: at a word's end.
    private static int WindowEnd(ReadOnlySpan<char> text, int at)
    {
        var upper = Math.Min(text.Length, at + SentenceWindow);
        if (upper < text.Length)
        {
            while (upper > at && IsWordChar(text[upper - 1]))
            {
                upper--;
            }
        }

        return upper;
    }

    private static readonly string[] Titles = ["dr", "mr", "mrs", "ms", "st", "jr", "sr", "prof", "mt", "lt", "sgt", "capt", "gen", "rev"];

    private static bool EndsSentence(ReadOnlySpan<char> text, int i)
    {
        var c = text[i];
        if (c != '.')
        {
            return EnglishSentenceEnds.Contains(c);
        }

        var start = i;
        while (start > 0 && char.IsAsciiLetter(text[start - 1]))
        {
            start--;
        }

        var word = text[start..i];
        if (start > 0 && char.IsLetterOrDigit(text[start - 1]))
        {
            return true; // "1st." ends a sentence; only a whole word is a title
        }

        foreach (var title in Titles)
        {
            if (word.Equals(title, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    // A context word anywhere in the term's sentence, no personal word there, and no count just before the term (decision 245).
    private bool SentenceBlocked(ReadOnlySpan<char> stem, ReadOnlySpan<char> text, int at)
    {
        if (_sentenceBlockers.Count == 0 || !_sentenceBlockers.TryGetValue(stem.ToString(), out var words))
        {
            return false;
        }

        var before = new List<string>();
        if (ReadSentence(text, at, words, before, out var context, out var lead))
        {
            return false;
        }

        // "30 fans injured", "19 injured": a number (digits are not words, so an empty slot before the term) or a count word.
        var counted = before.TakeLast(2).Any(Counts.Contains) || CountBefore(lead);
        return context && !counted;
    }

    // A number among the characters just before the term ("19 injured", "30 fans injured").
    private static bool CountBefore(ReadOnlySpan<char> before)
    {
        var words = before.ToString().Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
        return words.TakeLast(2).Any(w => w.Length > 0 && char.IsAsciiDigit(w[0]));
    }

    // "no one was injured", "nobody got hurt", "didn't get sick": a negator among the two words before.
    private static bool EnglishNegated(ReadOnlySpan<char> before)
    {
        var words = before.ToString().Split([' ', '\t', '\n', ',', '.', '!', '?'], StringSplitOptions.RemoveEmptyEntries);
        foreach (var word in words.TakeLast(3))
        {
            if (EnglishNegators.Contains(word) || word.EndsWith("n't", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCjk(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf';

    private static IEnumerable<string> ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("SentimentWatch.Scoring.Lexicon." + name)
            ?? throw new InvalidOperationException($"Embedded lexicon {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').Select(l => l.Split('\t')[0]).ToList();
    }

    /// <summary>
    /// A Chinese term as listed (decision 242): "term", or "term?context|context|…" when it reports harm only with one of those
    /// words in its sentence (虫子 in food: 吃, 饭, 外卖 …); with the listed "!phrase" exceptions that hold it and where in them
    /// it sits (着火 in 吃着火锅, 爆炸 in 生活大爆炸).
    /// </summary>
    private sealed record ChineseTerm(string Term, string[] Contexts, (string Phrase, int Offset)[] Exceptions)
    {
        public static ChineseTerm Parse(string listed, IReadOnlyList<string> exceptions)
        {
            var parts = listed.Split('?', 2);
            var term = parts[0].Trim();
            var contexts = parts.Length == 2 ? parts[1].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            if (parts.Length == 2 && contexts.Length == 0)
            {
                throw new InvalidDataException($"harm-terms.tsv: '{listed}': a '?' must be followed by context words (词|词)");
            }

            var held = new List<(string, int)>();
            foreach (var phrase in exceptions)
            {
                for (var i = phrase.IndexOf(term, StringComparison.Ordinal); i >= 0; i = phrase.IndexOf(term, i + 1, StringComparison.Ordinal))
                {
                    held.Add((phrase, i));
                }
            }

            return new ChineseTerm(term, contexts, [.. held]);
        }

        public bool Excepted(ReadOnlySpan<char> text, int at)
        {
            foreach (var (phrase, offset) in Exceptions)
            {
                var start = at - offset;
                if (start >= 0 && start + phrase.Length <= text.Length && text.Slice(start, phrase.Length).SequenceEqual(phrase))
                {
                    return true;
                }
            }

            return false;
        }

        public bool InContext(ReadOnlySpan<char> text, int at)
        {
            if (Contexts.Length == 0)
            {
                return true;
            }

            var lower = Math.Max(0, at - SentenceWindow);
            var upper = Math.Min(text.Length, at + Term.Length + SentenceWindow);
            var from = lower + text[lower..at].LastIndexOfAny(SentenceEnds) + 1;
            var to = text[(at + Term.Length)..upper].IndexOfAny(SentenceEnds) is var end and >= 0 ? at + Term.Length + end : upper;
            var sentence = text[from..to];
            foreach (var context in Contexts)
            {
                if (sentence.Contains(context, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private const string SentenceEnds = "。！!？?；;\n";

    // Where an English sentence ends for the blockers (folded text holds no line breaks: whitespace is a space by then).
    private const string EnglishSentenceEnds = ".!?:;";

    // What an exception phrase may not run across: . ! ? : ; or a comma, but not an ellipsis ("I died... laughing" is still
    // "died laughing"; NFKC folds "…" to "...").
    private const string ClauseEnds = "!?:;,";

    private static bool EndsClause(ReadOnlySpan<char> gap)
    {
        if (gap.IndexOfAny(ClauseEnds) >= 0)
        {
            return true;
        }

        for (var i = gap.IndexOf('.'); i >= 0 && i < gap.Length; i++)
        {
            if (gap[i] == '.' && (i == 0 || gap[i - 1] != '.') && (i + 1 >= gap.Length || gap[i + 1] != '.'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// An English term as listed, its words (stemmed unless the term is written "=term": then exact), and, for a term written
    /// "term?word|word", the words (by stem) one of which the post must hold unless its sentence names someone close or a count
    /// comes before it (decision 246).
    /// </summary>
    private sealed class EnglishTerm(string term, string[] words, bool exact, HashSet<string> contexts, HashSet<string> exactContexts)
    {
        private static readonly HashSet<string> None = new(StringComparer.Ordinal);

        public string Term { get; } = term;

        public string[] Words { get; } = words;

        public bool Exact { get; } = exact;

        public bool HasContexts => contexts.Count > 0 || exactContexts.Count > 0;

        // One of the context words anywhere in the post: by stem, or as written for one listed "=word" (a stem would make "plane"
        // match "plan", "car" match "cared").
        public bool NamesContext(ReadOnlySpan<char> text)
        {
            Span<char> buffer = stackalloc char[MaxWordLength];
            var stems = contexts.GetAlternateLookup<ReadOnlySpan<char>>();
            var asWritten = exactContexts.GetAlternateLookup<ReadOnlySpan<char>>();
            for (var i = 0; NextWord(text, ref i, out var start, out var length);)
            {
                if (length <= MaxWordLength && (asWritten.Contains(text.Slice(start, length)) || stems.Contains(Stem(text.Slice(start, length), buffer))))
                {
                    return true;
                }
            }

            return false;
        }

        public static EnglishTerm Parse(string listed)
        {
            var parts = listed.Split('?', 2);
            var listedContexts = parts.Length == 2 ? parts[1].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            if (parts[0].Trim().TrimStart('=').Length == 0)
            {
                throw new InvalidDataException($"harm-terms.tsv: '{listed}': no term before its contexts");
            }

            if (listedContexts.Select(c => c.TrimStart('=')).FirstOrDefault(c => c.Length == 0 || !c.All(IsWordChar) || c.Length > MaxWordLength) is { } phrase)
            {
                // Contexts are read word by word: "heart attack" or "people's" could never match.
                throw new InvalidDataException($"harm-terms.tsv: '{listed}': a context must be one word of at most {MaxWordLength} letters, not '{phrase}'");
            }

            if (parts.Length == 2 && listedContexts.Length == 0)
            {
                throw new InvalidDataException($"harm-terms.tsv: '{listed}': a '?' must be followed by context words (word|word)");
            }

            var stemmed = listedContexts.Where(c => c[0] != '=').ToArray();
            var asWritten = listedContexts.Where(c => c[0] == '=').Select(c => c[1..]).ToHashSet(StringComparer.Ordinal);
            var contexts = stemmed.Length > 0 ? Stems(stemmed) : None;
            listed = parts[0].Trim();
            var exact = listed.StartsWith('=');
            var term = exact ? listed[1..] : listed;
            var words = new List<string>();
            Span<char> buffer = stackalloc char[MaxWordLength];
            for (var at = 0; NextWord(term, ref at, out var start, out var length);)
            {
                var word = term.AsSpan(start, Math.Min(length, MaxWordLength));
                words.Add(exact ? word.ToString() : Stem(word, buffer).ToString());
            }

            return new EnglishTerm(term, [.. words], exact, contexts, asWritten.Count > 0 ? asWritten : None);
        }
    }
}

/// <summary>What <see cref="HarmTerms"/> read of a whole post while judging it, kept for the next term found in it.</summary>
internal struct PostReading
{
    public bool? PastCenturyYear;

    public Dictionary<object, bool>? Contexts;
}

/// <summary>
/// What the harm list read in a post: the term it reports (<see cref="Term"/>), or none, with <see cref="Dismissed"/> when a
/// listed term was there where it does not mean harm ("@孤狼受伤", "生活大爆炸", "my phone died").
/// </summary>
public readonly record struct HarmJudgement(string? Term, bool Dismissed)
{
    public bool Reports => Term is not null;

    /// <summary>
    /// What this judgement does to a topic already decided, in every taxonomy with a <c>safety</c> category (index
    /// <paramref name="safety"/>, or -1 when it has none): a report not served positive is filed under safety (decision 169); a
    /// post filed safety whose only harm words were set aside has its topic decided again without them (decision 243).
    /// </summary>
    public HarmTopicMove TopicMove(int topic, int safety, SentimentLabel sentiment) =>
        safety < 0 ? HarmTopicMove.Keep
        : Reports && topic != safety && sentiment != SentimentLabel.Positive ? HarmTopicMove.ToSafety
        : Dismissed && topic == safety ? HarmTopicMove.DecideWithoutTerms
        : HarmTopicMove.Keep;
}

/// <summary>How a harm judgement moves a decided topic (<see cref="HarmJudgement.TopicMove"/>).</summary>
public enum HarmTopicMove
{
    Keep,
    ToSafety,
    DecideWithoutTerms,
}

