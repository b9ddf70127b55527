/// A text prepared once for searching many keywords: raw and lower-cased code points, and the positions
/// where Python's `\b` holds (a whole-word match can only start at one of them).
struct KeywordHaystack {
    let raw: [UInt32]
    let lowered: [UInt32]
    /// `isBoundary[i]`: word-ness differs between `i - 1` and `i` (outside the text counts as non-word).
    let isBoundary: [Bool]
    let boundaryPositions: [Int]

    init(_ text: ScalarText) {
        var raw: [UInt32] = []
        var lowered: [UInt32] = []
        var isBoundary: [Bool] = []
        var boundaryPositions: [Int] = []
        raw.reserveCapacity(text.count)
        lowered.reserveCapacity(text.count)
        isBoundary.reserveCapacity(text.count + 1)
        var previousIsWord = false
        for (index, scalar) in text.scalars.enumerated() {
            raw.append(scalar.value)
            lowered.append(PythonKeywordPattern.simpleLowercase(scalar).value)
            let isWord = isPythonWordCharacter(scalar)
            isBoundary.append(isWord != previousIsWord)
            if isWord != previousIsWord { boundaryPositions.append(index) }
            previousIsWord = isWord
        }
        isBoundary.append(previousIsWord)
        self.raw = raw
        self.lowered = lowered
        self.isBoundary = isBoundary
        self.boundaryPositions = boundaryPositions
    }

    var count: Int { raw.count }
}
