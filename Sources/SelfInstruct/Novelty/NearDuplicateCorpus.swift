// A deterministic benchmark corpus that stresses the novelty filter where it is hardest: many candidates
// whose ROUGE-L against an earlier item lies just below or above the threshold, plus inputs without
// tokens (empty, punctuation-only, non-ASCII-only) and mixed-script text.

public enum NearDuplicateCorpus {
    /// `count` instructions: base instructions (in order) interleaved with perturbed copies of earlier
    /// items, about one copy per base item. The same base, count and seed always give the same corpus.
    public static func generate(base: [String], count: Int, seed: UInt64) -> [String] {
        precondition(!base.isEmpty, "the corpus needs at least one base instruction")
        var rng = SeededRandom(seed: seed)
        var out: [String] = []
        out.reserveCapacity(count)
        var nextBase = 0
        let fillers = ["very", "quickly", "simple", "short", "new", "given", "following", "detailed", "three", "main"]
        let oddities = ["", "   ", "!!!", "?!.,;", "—", "中文指令", "¿Qué?", "日本語のテキスト", "…", "★★★"]
        while out.count < count {
            let roll = rng.uniform(below: 100)
            if roll < 3 {
                out.append(oddities[rng.uniform(below: oddities.count)])
            } else if roll < 50 || out.isEmpty {
                out.append(base[nextBase % base.count] + (nextBase >= base.count ? " (\(nextBase / base.count))" : ""))
                nextBase += 1
            } else {
                let original = out[out.count - 1 - rng.uniform(below: min(out.count, 50))]
                out.append(perturb(original, rng: &rng, fillers: fillers))
            }
        }
        return out
    }

    /// A copy of `text` with a few word-level edits (replace, delete, insert, swap), about as many as it
    /// takes to move ROUGE-L between roughly 0.55 and 0.9 for typical instruction lengths; sometimes an
    /// accented or CJK word, which the tokenizer splits or drops.
    static func perturb(_ text: String, rng: inout SeededRandom, fillers: [String]) -> String {
        var words = PythonText.splitWhitespace(text)
        if words.isEmpty { return fillers[rng.uniform(below: fillers.count)] }
        let edits = max(1, words.count * (5 + rng.uniform(below: 30)) / 100)
        for _ in 0..<edits {
            switch rng.uniform(below: 5) {
            case 0: words[rng.uniform(below: words.count)] = fillers[rng.uniform(below: fillers.count)]
            case 1 where words.count > 1: words.remove(at: rng.uniform(below: words.count))
            case 2: words.insert(fillers[rng.uniform(below: fillers.count)], at: rng.uniform(below: words.count + 1))
            case 3 where words.count > 1:
                let i = rng.uniform(below: words.count - 1)
                words.swapAt(i, i + 1)
            default: words.insert(["café", "naïve", "東京", "über", "İstanbul"][rng.uniform(below: 5)], at: rng.uniform(below: words.count + 1))
            }
        }
        return words.joined(separator: " ")
    }
}
