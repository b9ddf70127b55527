# Differential-test oracle for the parsers in Sources/SelfInstruct/Parsing and Filters: the reference rules
# (spec §1.1, §1.4, §2.4) expressed with CPython's own `re` and `str`, applied to randomly assembled texts.
# Regenerate the Swift vectors with:  python3 Tools/oracle/parsing_vectors.py  (from the package root; CPython 3.11)
import os, random, re, string, sys

random.seed(20240601)

SI_KEYWORDS = ["image", "images", "graph", "graphs", "picture", "pictures", "file", "files", "map", "maps", "draw", "plot", "go to"]
AL_KEYWORDS = SI_KEYWORDS + ["video", "audio", "music", "flowchart", "diagram"]

def heuristic(inst, keywords):
    if inst == "": return "empty"
    n = len(inst.split())
    if n <= 3: return "too_few_words"
    if n > 150: return "too_many_words"
    for w in keywords:
        if re.compile(r"\b({0})\b".format(w), flags=re.IGNORECASE).search(inst): return "blacklisted_keyword:" + w
    if inst.startswith("Write a program"): return "starts_with_write_a_program"
    if inst[0] in string.punctuation: return "starts_with_punctuation"
    if not inst[0].isascii(): return "starts_with_non_ascii"
    return None

def si_parse(text, finish):
    if finish == "length": return []
    out = []
    for inst in re.split(r"\n\d+\s?\. ", text):
        inst = re.sub(r"\s+", " ", inst).strip().capitalize()
        if heuristic(inst, SI_KEYWORDS) is None: out.append(inst)
    return out

def al_parse(text, finish):
    raw = re.split("###", "4. Instruction:" + text)
    out = []
    for idx, inst in enumerate(raw):
        if idx == len(raw) - 1 and finish == "length": continue
        idx += 4
        parts = re.split(f"{idx}\\.\\s+(Instruction|Input|Output):", inst)
        if len(parts) != 7: continue
        i, x, o = parts[2].strip(), parts[4].strip(), parts[6].strip()
        x = "" if x.lower() == "<noinput>" else x
        if len(i.split()) <= 3 or len(i.split()) > 150: continue
        if heuristic(i, AL_KEYWORDS) is not None: continue
        out.append((i, x, o))
    return out

def parse_io(t):
    if re.findall(r"Output\s*\d*\s*:", t):
        a = re.split(r"Output\s*\d*\s*:", t); i, o = a[0].strip(), a[1].strip()
    else:
        i, o = "", t.strip()
    if re.findall(r"Input\s*\d*\s*:", o): o = re.split(r"Input\s*\d*\s*:", o)[0].strip()
    i = re.sub(r"^Input\s*\d*\s*:", "", i).strip()
    return i, o

def post(instances, finish):
    if finish == "length": instances = instances[:-1]
    instances = [x for x in instances if not (x[0] == x[1] or x[1] == "" or x[0].strip().endswith(":") or x[1].strip().endswith(":"))]
    for a in range(1, len(instances)):
        for b in range(a):
            if instances[a][0] != "" and instances[a][0] == instances[b][0] and instances[a][1] != instances[b][1]:
                return []
    return list(dict.fromkeys(instances))

def gen_instances(text, finish):
    text = text.strip()
    if re.findall(r"Example\s?\d*\.?", text):
        pieces = [p.strip() for p in re.split(r"Example\s?\d*\.?", text) if p.strip() != ""]
        inst = [parse_io(p) for p in pieces]
    elif re.findall(r"Output\s*\d*\s*:", text):
        inst = [parse_io(text)]
    else:
        return []
    return post(inst, finish)

def clf_instances(text, finish):
    if "Class label:" not in text: return []
    inst = []
    for t in text.split("Class label:")[1:]:
        t = t.strip(); f = t.split("\n", 1)
        inst.append((f[1].strip() if len(f) == 2 else "", f[0].strip()))
    return post(inst, finish)

WORDS = ["Give", "three", "tips", "for", "write", "Write a program", "Write a Python program", "the", "İmage", "ımage", "image", "IMAGES",
         "fileſ", "drawing", "plot", "go to", "go  to", "go\u00a0to", "Map", "maps_x", "video", "Music", "diagram", "in 2016.", "costs $20.",
         "naïve", "café", "NASA", "ΣΑΣ", "ß", "ﬁle", "\u212aelvin", "_map", "map_", "éimage", "image2", "²map", "\"quoted\"", "¿qué", "«x»",
         "Describe", "Explain", "sentence", "list", "numbers", "?", "-", "…", "e\u0301", "\u0130", "\u0131", "x"]
SEPS = [" ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\u2028", "\x1c", "\r\n"]

CLEAN = ["Give", "three", "tips", "for", "staying", "healthy", "Explain", "why", "the", "sky", "is", "blue", "Sort", "list",
         "of", "numbers", "describe", "a", "NASA", "Python", "in", "2016.", "summary", "Write"]

def sentence(lo=1, hi=9):
    n = random.randint(lo, hi)
    pool = CLEAN if random.random() < 0.6 else WORDS
    seps = [" "] if random.random() < 0.5 else SEPS
    s = ""
    for k in range(n):
        s += random.choice(pool) + (random.choice(seps) if k < n - 1 else "")
    return s

def si_text():
    s = random.choice([" ", "", "  "]) + sentence()
    for k in range(random.randint(0, 6)):
        num = random.choice(["10", "11", "1", "123", "\u0661\u0662", "2016", "", "16"])
        sep = random.choice(["\n%s. " % num, "\n%s . " % num, "\n%s  . " % num, "\n%s.\t" % num, "\n%s." % num, " %s. " % num,
                             "\n%s\n. " % num, "\n\n%s. " % num, "\n%s. " % num, "\n%s. " % num])
        s += sep + sentence()
    return s

LABELS = ["Instruction", "Input", "Output"]
def al_item(n, shape):
    lab = list(LABELS)
    nums = [n, n, n]
    if shape == "skip": nums = [n + 1] * 3
    if shape == "order": random.shuffle(lab)
    if shape == "missing": lab = lab[:2]; nums = nums[:2]
    if shape == "extra": lab = lab + ["Output"]; nums = nums + [n]
    if shape == "quirk": nums = [n, 10 + n, 10 + n]
    if shape == "mixed": nums = [n, n, n + 1]
    parts = []
    for k, (l, m) in enumerate(zip(lab, nums)):
        ws = random.choice([" ", "\n", "  ", "\t", ""])
        val = random.choice([sentence(), "<noinput>", "<NoInput>", "\"<noinput>\"", "", sentence(4, 12), "### heading"]) if l != "Instruction" else sentence(3, 12)
        parts.append(f"{m}.{ws}{l}:" + random.choice([" ", "\n"]) + val)
    return "\n".join(parts) + "\n"

def al_text():
    n = 4
    items = []
    for k in range(random.randint(1, 5)):
        shape = random.choice(["ok", "ok", "ok", "ok", "ok", "skip", "order", "missing", "extra", "quirk", "mixed"])
        items.append(al_item(n, shape))
        n += 2 if shape == "skip" else 1
    text = "###\n".join(items)
    return text[text.index(":") + 1:]

def inst_text(clf):
    if clf:
        s = random.choice(["", "pre\n", "Class label:"])
        for k in range(random.randint(0, 5)):
            s += random.choice(["Class label:", "Class label: ", "class label:", "Class label:\n"]) + random.choice(["Yes", "No", " Positive ", "A", "x:"]) + \
                 random.choice(["\n", "\n\n", " "]) + random.choice(["", "Sentence: " + sentence(), sentence(), "Yes", "x", "Email:"]) + "\n"
        return s
    s = random.choice(["", " ", "\n"])
    for k in range(random.randint(0, 5)):
        s += random.choice(["Example %d\n" % k, "Example %d.\n" % k, "Example\n", "Example  1", "Example\t2.", "", "For Example, "]) + \
             random.choice(["", "Input: ", "Input 1 : ", "Paragraph: ", "List:"]) + random.choice(["a", "b", sentence(), "", "x:"]) + \
             random.choice(["\nOutput: ", "\nOutput 2 :", "\nOutput\n:", "\noutput: ", "\nOutput 1 2: ", "\n"]) + random.choice(["a", "b", "1", sentence(), "", "y:"]) + \
             random.choice(["", "\nInput: more", "\nOutput: again", "\n"])
    return s

def lit(s):
    out = '"'
    for ch in s:
        c = ord(ch)
        if ch == '"': out += '\\"'
        elif ch == '\\': out += '\\\\'
        elif 32 <= c < 127: out += ch
        else: out += "\\u{%X}" % c
    return out + '"'

def finish():
    return random.choice(["stop", "stop", "stop", "length"])

lines = ["// Generated by Tools/oracle/parsing_vectors.py: expected values computed with CPython 3.11 `re`/`str` applying the",
         "// reference rules (spec §1.1, §1.4, §2.4) to randomly assembled texts. Do not edit by hand.",
         "@testable import SelfInstruct", "", "enum ReferenceVectors {"]
lines.append("    static let selfInstruct: [(text: String, finishReason: FinishReason, kept: [String])] = [")
for _ in range(150):
    t, f = si_text(), finish()
    lines.append("        (%s, .%s, [%s])," % (lit(t), f, ", ".join(lit(x) for x in si_parse(t, f))))
lines.append("    ]")
lines.append("    static let alpaca: [(text: String, finishReason: FinishReason, kept: [(String, String, String)])] = [")
for _ in range(150):
    t, f = al_text(), finish()
    lines.append("        (%s, .%s, [%s])," % (lit(t), f, ", ".join("(%s, %s, %s)" % tuple(lit(v) for v in x) for x in al_parse(t, f))))
lines.append("    ]")
lines.append("    static let instances: [(text: String, isClassification: Bool, finishReason: FinishReason, kept: [(String, String)])] = [")
for _ in range(150):
    clf = random.random() < 0.4
    t, f = inst_text(clf), finish()
    res = clf_instances(t, f) if clf else gen_instances(t, f)
    lines.append("        (%s, %s, .%s, [%s])," % (lit(t), "true" if clf else "false", f, ", ".join("(%s, %s)" % (lit(a), lit(b)) for a, b in res)))
lines.append("    ]")
lines.append("    static let heuristics: [(text: String, alpacaCode: String?, selfInstructCode: String?)] = [")
for _ in range(150):
    t = re.sub(r"\s+", " ", sentence(1, 8)).strip()
    if random.random() < 0.5: t = t.capitalize()
    a, s = heuristic(t, AL_KEYWORDS), heuristic(t, SI_KEYWORDS)
    lines.append("        (%s, %s, %s)," % (lit(t), lit(a) if a else "nil", lit(s) if s else "nil"))
lines.append("    ]")
lines.append("}")
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "SelfInstructTests", "ReferenceVectors.swift"), "w").write("\n".join(lines) + "\n")
