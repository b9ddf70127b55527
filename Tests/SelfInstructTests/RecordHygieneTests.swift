import Testing
@testable import SelfInstruct

/// Each defect class of `RecordHygiene` with records it must catch and look-alikes it must leave alone.
@Suite struct RecordHygieneTests {
    static func verdict(_ instruction: String, _ input: String = "", _ output: String = "A fine answer.") -> HygieneVerdict {
        RecordHygiene.check(instruction: instruction, input: input, output: output)
    }

    static func removal(_ instruction: String, _ input: String = "", _ output: String = "A fine answer.") -> HygieneReason? {
        if case .remove(let reason) = verdict(instruction, input, output) { return reason }
        return nil
    }

    static func fixes(_ instruction: String, _ input: String = "", _ output: String = "A fine answer.") -> [HygieneReason]? {
        if case .keep(_, _, _, let fixes) = verdict(instruction, input, output) { return fixes }
        return nil
    }

    @Test func reasonCodesAndKindsAreStable() {
        #expect(HygieneReason.allCases.map(\.rawValue) == [
            "hygiene_empty_output", "hygiene_na_output", "hygiene_noinput_marker", "hygiene_merged_item",
            "hygiene_unseen_reference", "hygiene_image_generation", "hygiene_control_characters",
        ])
        #expect(HygieneReason.allCases.filter { !$0.removes } == [.noInputMarker, .controlCharacters])
    }

    @Test func cleanRecordIsKeptUnchanged() {
        #expect(Self.verdict("Give three tips for staying healthy.", "", "1. Eat well.\n2. Sleep.\n3. Move.")
            == .keep(instruction: "Give three tips for staying healthy.", input: "", output: "1. Eat well.\n2. Sleep.\n3. Move.", fixes: []))
    }

    @Test func emptyOutputIsRemoved() {
        #expect(Self.removal("Convert 20 inches to centimetres", "", "") == .emptyOutput)
        #expect(Self.removal("Convert 20 inches to centimetres", "", " \n\t ") == .emptyOutput)
        // A field that is only control characters is empty once normalised.
        #expect(Self.removal("Convert 20 inches to centimetres", "", "\u{200B}\u{0007}") == .emptyOutput)
        #expect(Self.removal("Convert 20 inches to centimetres", "", "50.8 cm") == nil)
    }

    @Test func notApplicableOutputIsRemoved() {
        for output in ["N/A", "n/a", "N/A.", "Not applicable", "not applicable.", "<nooutput>", "<No Output>", "no output",
                       "<no output>", "<NoOutput>", "\"<nooutput>\"", "<noinput>", "<none>", "[N/A]"] {
            #expect(Self.removal("Design a machine learning model.", "", output) == .notApplicableOutput, "\(output)")
        }
        // Real answers that look alike.
        for output in ["None", "None.", "Na", "NA", "No", "Output: 5", "There is no output for an empty list.", "n/a means not applicable"] {
            #expect(Self.removal("Which of these numbers are prime: 4, 6, 8?", "", output) == nil, "\(output)")
        }
    }

    @Test func noInputMarkerBecomesEmptyInput() {
        for input in ["<noinput>", "<no input>", "noinput", "No input", "No Input.", "No input required.", "<none>", "None",
                      "N/A", "\"<noinput>\"", "`<noinput>`", "< noinput >", "(no input)", "[No Input]", "\\<noinput\\>",
                      "<noinput", "<Noinput>.", "{\\noinput}", "  <NoInput>  ", "<empty>"] {
            #expect(Self.verdict("Write a haiku about autumn.", input, "Leaves fall.")
                == .keep(instruction: "Write a haiku about autumn.", input: "", output: "Leaves fall.", fixes: [.noInputMarker]), "\(input)")
        }
        // Markers inside text, and real inputs that look alike, stay.
        for input in ["The <noinput>", "<noinput> 8", "Na", "null", "empty", "No input was given, so the program crashed.", "<ninput>"] {
            #expect(Self.fixes("Explain the following.", input) == [], "\(input)")
        }
    }

    @Test func mergedItemIsRemoved() {
        let output = "Robotic-assisted surgeries.\n##\n18. Instruction: Give an example of a data source.\n18. Input:\n<noinput>"
        #expect(Self.removal("Describe a computer vision application.", "", output) == .mergedItem)
        #expect(Self.removal("Write a poem about joy.", "", "Joy is here.\n\n19. Instruction: Sort the list.") == .mergedItem)
        #expect(Self.removal("Write a poem about joy.", "", "Joy is here.\n### Instruction: Sort the list.") == .mergedItem)
        #expect(Self.removal("Summarize the text.", "Text.\n\n6. Instruction: Edit it.", "Short.") == .mergedItem)
        // Look-alikes: an unnumbered label, a label at the start, numbered steps, a task about instructions.
        #expect(Self.removal("Generate a task for a GPT model.", "", "Instruction: Translate the sentence into French.") == nil)
        #expect(Self.removal("Give three steps.", "", "1. Preheat the oven.\n2. Mix.\n3. Bake.") == nil)
        #expect(Self.removal("Rewrite the steps.", "", "## Steps\n1. Input: the flour\n2. Output: the bread") == nil)
        #expect(Self.removal("Write three instructions for a GPT model.", "", "1. Instruction: Sort a list.\n2. Instruction: Add two numbers.") == nil)
    }

    @Test func unseenReferenceIsRemoved() {
        #expect(Self.removal("Summarize this article: https://example.com/article") == .unseenReference)
        #expect(Self.removal("Summarize the following article.", "https://www.nytimes.com/2010/07/05/business.html") == .unseenReference)
        #expect(Self.removal("Review the following website.", "www.somethinggreen.uk") == .unseenReference)
        #expect(Self.removal("Describe the attached picture.", "") == .unseenReference)
        #expect(Self.removal("Describe the painting below.") == .unseenReference)
        #expect(Self.removal("What does the graph above show?") == .unseenReference)
        #expect(Self.removal("Generate a funny caption for the following photo.") == .unseenReference)
        #expect(Self.removal("Identify the theme of this painting.") == .unseenReference)
        #expect(Self.removal("Summarize the provided video.") == .unseenReference)
        #expect(Self.removal("Describe the painting.", "[Image provided]") == .unseenReference)
        #expect(Self.removal("Classify the object.", "<image>") == .unseenReference)
        #expect(Self.removal("Name the boat.", "Attached photo") == .unseenReference)
        #expect(Self.removal("Describe what you see.", "<Photo Attached>") == .unseenReference)
        #expect(Self.removal("Summarize the article.", "<Link to article>") == .unseenReference)
        // Text-only references and URLs handled as text stay.
        #expect(Self.removal("Rewrite the following sentence in the passive voice.", "The cat chased the mouse.") == nil)
        #expect(Self.removal("Summarize the information in the table below.", "| Country | Population |\n| France | 67M |") == nil)
        #expect(Self.removal("Describe the following painting in 2-3 sentences.", "\u{201C}The Starry Night\u{201D} by Vincent van Gogh") == nil)
        #expect(Self.removal("Input a URL and output its domain.", "https://docs.google.com/document") == nil)
        #expect(Self.removal("Write the HTML code for a link.", "https://www.example.com") == nil)
        #expect(Self.removal("Write an email with an attached file to a colleague.") == nil)
        #expect(Self.removal("Find the shortest path in the given graph.", "Nodes A, B, C; edges A-B, B-C.") == nil)
        #expect(Self.removal("Explain how a picture is worth a thousand words.") == nil)
        #expect(Self.removal("List three features of an online browser like www browsing.") == nil)
        #expect(Self.removal("Sort the list.", "[3, 1, 2]") == nil)
        #expect(Self.removal("Cite the website in MLA format.", "Website URL: www.womenshistory.org") == nil)
    }

    @Test func imageGenerationIsRemoved() {
        #expect(Self.removal("Draw a cat.") == .imageGeneration)
        #expect(Self.removal("Paint a landscape at sunset.") == .imageGeneration)
        #expect(Self.removal("Design a logo for the given company.", "Example Company") == .imageGeneration)
        #expect(Self.removal("Create a logo for a summer camp focused on photography.") == .imageGeneration)
        #expect(Self.removal("Generate an illustration of a cartoon dog.") == .imageGeneration)
        #expect(Self.removal("Sketch a diagram of the water cycle.") == .imageGeneration)
        #expect(Self.removal("Create a movie poster for a science fiction film.") == .imageGeneration)
        #expect(Self.removal("Make a simple drawing of a house.") == .imageGeneration)
        // Pictures as a topic, pictures in words, idioms.
        #expect(Self.removal("Generate a caption for the image.", "A dog on a beach at sunset.") == nil)
        #expect(Self.removal("Generate an image caption for a dog on a beach.") == nil)
        #expect(Self.removal("Write a story about a painting that comes alive.") == nil)
        #expect(Self.removal("Paint a picture with words of a quiet village.") == nil)
        #expect(Self.removal("Draw a conclusion from the given data.", "Sales rose 5% in May.") == nil)
        #expect(Self.removal("Create an ASCII art drawing of a cat.") == nil)
        #expect(Self.removal("Describe a logo for a coffee shop.") == nil)
        #expect(Self.removal("Create a list of ideas for a logo.") == nil)
        #expect(Self.removal("Generate a chart of the key events.", "1914: war; 1918: peace.") == nil)
        #expect(Self.removal("Create a character sketch of a retired boxer.") == nil)
        #expect(Self.removal("Create a short biographical sketch of Nikola Tesla.") == nil)
        #expect(Self.removal("Explain how to design a logo.") == nil)
        #expect(Self.removal("Create a GAN model to generate a portrait.") == nil)
        #expect(Self.removal("You need to design a suitable logo for a cafe.") == .imageGeneration)
    }

    @Test func controlCharactersAreStripped() {
        #expect(Self.verdict("Construct an example of a \u{200B}structured conversation.", "", "A: Hi\r\nB: Hello\u{0007}\u{FFFD}")
            == .keep(instruction: "Construct an example of a structured conversation.", input: "", output: "A: Hi\nB: Hello",
                     fixes: [.controlCharacters]))
        #expect(Self.verdict("Categorize the ships.", "", "Ferengi Marauder\u{000B}- Borg cube\u{0085}")
            == .keep(instruction: "Categorize the ships.", input: "", output: "Ferengi Marauder\n- Borg cube", fixes: [.controlCharacters]))
        #expect(Self.verdict("Say hi.", "", "Hi there.\\n\\n")
            == .keep(instruction: "Say hi.", input: "", output: "Hi there.", fixes: [.controlCharacters]))
        // Both normalisations are listed, in declaration order.
        #expect(Self.fixes("Say hi.", "<noinput>\u{0000}", "Hi.") == [.noInputMarker, .controlCharacters])
        // Tabs, line feeds, escapes inside code, emoji joiners and Persian ZWNJ stay.
        let code = "printf(\"%d\\n\", i);\n\treturn 0;"
        #expect(Self.fixes("Write C code.", "", code) == [])
        #expect(Self.fixes("Reply with an emoji.", "", "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}") == [])
        #expect(Self.fixes("Translate to Persian.", "", "\u{0645}\u{06CC}\u{200C}\u{062E}\u{0648}\u{0627}\u{0645}") == [])
    }

    @Test func removalReasonsFollowTheDocumentedOrder() {
        // Empty output beats everything, N/A beats the instruction rules, merged beats unseen, unseen beats image.
        #expect(Self.removal("Draw the image below.", "", "") == .emptyOutput)
        #expect(Self.removal("Design a company logo", "", "<nooutput>") == .notApplicableOutput)
        #expect(Self.removal("Describe https://example.com", "", "A page.\n##\n5. Instruction: Sort.") == .mergedItem)
        #expect(Self.removal("Design a logo like the one at https://example.com") == .unseenReference)
    }
}
