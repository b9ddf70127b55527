/// Finds an instruction's root verb and direct object, or its question word, the way the Self-Instruct paper's
/// diversity sunburst groups instructions (it used a constituency parser; this is a word-list heuristic, no I/O).
///
/// How an instruction is read:
/// - Sentences are tried in order; the first that is an imperative or a question decides. A first sentence that is
///   context ("Here is a sentence. Rewrite it…", "I am planning a trip. Can you make a plan?") is passed over.
/// - Within a sentence, fillers ("Please", "Now,"), a short label ("Question:"), a framing ("You need to", "In this
///   task, you need to", "Let's") and a leading phrase ended by a comma ("Given a list of numbers, sort them") are
///   skipped.
/// - "Can you / Could you / Would you / Will you + verb" is a request, counted as the imperative of that verb (the
///   paper's parser finds the embedded verb too); without a verb after it, it is a question ("can").
/// - The verb is the lemma without its particle or fixed preposition ("Come up with a slogan" → come / slogan,
///   "Fill in the blank" → fill / blank); "Re-write" is "rewrite", "Summarise" is "summarize", an opening gerund
///   ("Solving the equation…") is its verb, and a first word one edit away from a known verb ("Genrate") is that verb.
/// - The object is the head (last noun) of the first noun phrase after the verb, past an indirect "me"/"us" and
///   determiners, numbers and quantifiers ("a few", "a couple of"), singular; "a list of X" is list. A pronoun
///   ("them", "it", "something") or a clause ("Tell me if…", "Describe what…") gives nil.
public enum VerbObjectExtractor {
    public static func form(of instruction: String) -> InstructionForm {
        for sentence in InstructionToken.sentences(of: instruction).prefix(6) {
            if let form = SentenceReading(sentence).form() { return form }
        }
        return .other
    }
}
