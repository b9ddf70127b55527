import SelfInstruct

/// Writes the JSONL input file of a batch: one `{"custom_id","method","url","body"}` line per request.
public enum BatchInput {
    /// The file's bytes; `body` is the request's JSON text, inlined as it is.
    public static func bytes(lines: [(customID: String, endpoint: String, body: String)]) -> [UInt8] {
        var text = ""
        for line in lines {
            text += "{\"custom_id\":\(JSONWriter.quoted(line.customID)),\"method\":\"POST\",\"url\":\(JSONWriter.quoted(line.endpoint)),\"body\":"
            text += line.body
            text += "}\n"
        }
        return Array(text.utf8)
    }
}
