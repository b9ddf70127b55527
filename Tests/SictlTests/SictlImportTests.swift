import Foundation
import SelfInstruct
import Store
import TestSupport
import Testing

/// `sictl import` as the built binary against PostgreSQL (a private schema): what it writes, that a second import
/// of the same file writes nothing, that a malformed file writes nothing, and that status, audit and export work
/// on the imported run.
@Suite(.timeLimit(.minutes(2))) struct SictlImportTests {
    typealias Ops = SictlOperationsTests

    static let small = [
        #"{"instruction": "Name a prime number.", "input": "", "output": "7"}"#,
        "",
        #"{"instruction": "Name a prime number.", "output": "11", "source": "ignored"}"#,
        #"{"instruction": "Name a prime number.", "input": "", "output": "7"}"#,
        #"{"instruction": "Name a prime number!", "input": "", "output": "13"}"#,
        #"{"instruction": "Translate the word into French.", "input": "hello", "output": ""}"#,
        #"{"instruction": "List three colours.", "input": "", "output": "red, green, blue"}"#,
    ].joined(separator: "\n") + "\n"

    static func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func counts(_ db: PGConnection) throws -> [String?] {
        try ["runs", "instructions", "instances"].map { try Ops.scalar(db, "SELECT count(*) FROM \($0)") }
    }

    @Test func importsAFileThatStatusAuditAndExportThenRead() throws {
        try Ops.withDatabase { url, db in
            let env = ["SI_DATABASE_URL": url]
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = try Self.write(Self.small, "small.jsonl", in: dir)

            let outcome = try Ops.run(["import", path, "--name", "small", "--json"], environment: env)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let summary = try Ops.json(outcome.stdout)
            #expect(summary["written"] as? Bool == true)
            #expect(summary["format"] as? String == "jsonl")
            #expect(summary["records"] as? Int == 6)
            #expect((summary["instructions"] as? [String: Any])?["admitted"] as? Int == 2)
            #expect((summary["instructions"] as? [String: Any])?["rejected"] as? [String: Int]
                    == ["rouge_too_similar": 1, "hygiene_removed_all": 1])
            #expect((summary["instances"] as? [String: Any])?["valid"] as? Int == 3)
            #expect((summary["instances"] as? [String: Any])?["rejected"] as? [String: Int]
                    == ["duplicate": 1, "instruction_rejected": 1, "hygiene_empty_output": 1])
            let hygiene = try #require(summary["hygiene"] as? [[String: Any]])
            #expect(hygiene.map { $0["reason"] as? String } == ["hygiene_empty_output"])
            #expect((hygiene.first?["examples"] as? [[String: Any]])?.first?["line"] as? Int == 6)

            // The run as a generated one looks: completed, target = admitted, provenance in config.
            let run = try db.execute("""
                SELECT id, status, recipe, target, config->>'sha256', config->>'format', config->>'imported_from' FROM runs WHERE name = 'small'
                """).rows
            #expect(run.count == 1)
            let sha = SHA256.hexDigest(ofBytes: try #require(FileManager.default.contents(atPath: path)))
            #expect(Array(run[0].dropFirst()) == ["completed", "alpaca", "2", sha, "jsonl", path])
            #expect(try Self.counts(db) == ["1", "4", "6"])
            let rejections = try db.execute("SELECT stage, reason, count FROM si_rejections ORDER BY stage, reason").rows
            #expect(rejections == [
                ["filter.instances", "duplicate", "1"], ["filter.instances", "hygiene_empty_output", "1"],
                ["filter.instances", "instruction_rejected", "1"],
                ["filter.instructions", "hygiene_removed_all", "1"], ["filter.instructions", "rouge_too_similar", "1"],
            ])
            #expect(try Ops.scalar(db, "SELECT nearest_match FROM instructions WHERE reject_reason = 'rouge_too_similar'") == "Name a prime number.")

            let audit = try Ops.run(["audit", "small"], environment: env)
            #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
            #expect(audit.stdout.contains("all 12 checks passed"))
            #expect(audit.stdout.contains("PASS valid_instances_sharded: skipped: imported run"))

            let status = try Ops.run(["status", "small"], environment: env)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("imported    from \(path)"))
            #expect(!status.stdout.contains("estimate"))

            let exported = dir.appendingPathComponent("out.jsonl").path
            let export = try Ops.run(["export", "small", "--output", exported], environment: env)
            #expect(export.status == 0, "\(export.stderr)")
            let records = try String(contentsOfFile: exported, encoding: .utf8).split(separator: "\n").map { line in
                let object = try Ops.json(String(line))
                return [object["instruction"], object["input"], object["output"]].map { $0 as? String }
            }
            #expect(records == [["Name a prime number.", "", "7"], ["Name a prime number.", "", "11"], ["List three colours.", "", "red, green, blue"]])

            // The text summary names every count and the hygiene examples.
            let text = try Ops.run(["import", try Self.write(Self.small, "again.jsonl", in: dir), "--name", "small-text"], environment: env)
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.contains("hygiene: 1 record removed"))
            #expect(text.stdout.contains(#"line 6: "Translate the word into French." -> input "hello", output """#))
            #expect(text.stdout.contains("instructions: 4 distinct, 2 admitted, 2 rejected"))
            #expect(text.stdout.contains("instances: 3 valid, 3 rejected"))
        }
    }

    @Test func theSameFileUnderTheSameNameIsImportedOnce() throws {
        try Ops.withDatabase { url, db in
            let env = ["SI_DATABASE_URL": url]
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = try Self.write(Self.small, "small.jsonl", in: dir)
            let first = try Ops.run(["import", path, "--name", "once"], environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            let before = try Self.counts(db)
            let runID = try Ops.scalar(db, "SELECT id FROM runs WHERE name = 'once'")

            let again = try Ops.run(["import", path, "--name", "once"], environment: env)
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("run \(runID ?? "?") 'once' already holds this file"))
            #expect(again.stdout.contains("nothing written"))
            let json = try Ops.json(try Ops.run(["import", path, "--name", "once", "--json"], environment: env).stdout)
            #expect(json["written"] as? Bool == false)
            #expect(json["run_id"] as? Int == Int(runID ?? ""))
            // The same file decided another way is not the stored run: refused, nothing written.
            let otherWay = try Ops.run(["import", path, "--name", "once", "--no-hygiene"], environment: env)
            #expect(otherWay.status == 1)
            #expect(otherWay.stderr.contains("holds this file imported as jsonl with hygiene on"), "\(otherWay.stderr)")
            #expect(try Self.counts(db) == before)
        }
    }

    /// `--language zh`: the novelty filter sees Chinese near-duplicates (the English tokenizer gives them no tokens),
    /// the language is kept in runs.config so that the audit replays the decisions the same way, and the same file
    /// under the same name in another language is refused.
    @Test func aChineseDataSetIsDedupedWithTheZhTokenizerAndAudits() throws {
        try Ops.withDatabase { url, db in
            let env = ["SI_DATABASE_URL": url]
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let lines = [
                #"{"instruction": "预算在五千元以内，推荐一款适合学生的笔记本电脑。", "input": "", "output": "可以考虑轻薄本。"}"#,
                #"{"instruction": "推荐一款适合学生的笔记本电脑，预算在五千元以内。", "input": "", "output": "可以考虑轻薄本。"}"#,
                #"{"instruction": "請寫一篇關於學習的短文。", "input": "", "output": "学习使人进步。"}"#,
                #"{"instruction": "请写一篇关于学习的短文。", "input": "", "output": "学习使人进步。"}"#,
                #"{"instruction": "解释什么是通货膨胀。", "input": "", "output": "物价普遍持续上涨。"}"#,
            ]
            let path = try Self.write(lines.joined(separator: "\n"), "zh.jsonl", in: dir)
            let imported = try Ops.run(["import", path, "--name", "zh", "--language", "zh"], environment: env)
            #expect(imported.status == 0, "\(imported.stderr)")
            #expect(try Ops.scalar(db, "SELECT count(*) FROM instructions i JOIN runs r ON r.id = i.run_id WHERE r.name = 'zh' AND i.reject_reason = 'rouge_too_similar'") == "2")
            #expect(try Ops.scalar(db, "SELECT config::json->>'language' FROM runs WHERE name = 'zh'") == "zh")
            let audit = try Ops.run(["audit", "zh"], environment: env)
            #expect(audit.status == 0 && audit.stdout.contains("all 12 checks passed"), "\(audit.stdout)\(audit.stderr)")
            // In English nothing is similar: every instruction is admitted.
            let english = try Ops.run(["import", path, "--name", "zh-en"], environment: env)
            #expect(english.status == 0, "\(english.stderr)")
            #expect(try Ops.scalar(db, "SELECT count(*) FROM instructions i JOIN runs r ON r.id = i.run_id WHERE r.name = 'zh-en' AND i.status = 'admitted'") == "5")
            let otherLanguage = try Ops.run(["import", path, "--name", "zh", "--language", "unicode"], environment: env)
            #expect(otherLanguage.status == 1 && otherLanguage.stderr.contains("language zh"), "\(otherLanguage.stderr)")
        }
    }

    @Test func anotherFileUnderATakenNameIsRefused() throws {
        try Ops.withDatabase { url, db in
            let env = ["SI_DATABASE_URL": url]
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let first = try Ops.run(["import", try Self.write(Self.small, "a.jsonl", in: dir), "--name", "taken"], environment: env)
            #expect(first.status == 0, "\(first.stderr)")
            let before = try Self.counts(db)
            let other = try Self.write(#"{"instruction": "Say hi.", "output": "Hi."}"#, "b.jsonl", in: dir)
            let refused = try Ops.run(["import", other, "--name", "taken"], environment: env)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("holds a different file"))
            #expect(refused.stderr.contains("choose another --name"))
            #expect(try Self.counts(db) == before)

            // A generated run's name is taken too.
            _ = try Ops.insertRun(db, name: "generated")
            let generated = try Ops.run(["import", other, "--name", "generated"], environment: env)
            #expect(generated.status == 1)
            #expect(generated.stderr.contains("a run named 'generated' already exists"))

            let badName = try Ops.run(["import", other, "--name", "two words"], environment: env)
            #expect(badName.status == 64)
            #expect(badName.stderr.contains("--name: 'two words' has 'U+20'"))
        }
    }

    @Test func aMalformedFileWritesNothing() throws {
        try Ops.withDatabase { url, db in
            let env = ["SI_DATABASE_URL": url]
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let bad = try Self.write(Self.small + #"{"instruction": "No output here."}"# + "\n" + #"{"instruction": 5, "output": "x"}"# + "\n",
                                     "bad.jsonl", in: dir)
            let outcome = try Ops.run(["import", bad, "--name", "bad"], environment: env)
            #expect(outcome.status == 1)
            let lines = outcome.stderr.split(separator: "\n").map(String.init)
            #expect(lines == [
                "\(bad):8: error: field 'output': missing; expected a string",
                "sictl import: \(bad):9: error: field 'instruction': expected a string, found number; nothing written",
            ])
            #expect(try Self.counts(db) == ["0", "0", "0"])

            // Hygiene off: a NUL PostgreSQL cannot store is found before anything is written.
            let nul = try Self.write(#"{"instruction": "A.", "output": "x\u0000y"}"# + "\n", "nul.jsonl", in: dir)
            let refused = try Ops.run(["import", nul, "--name", "nul", "--no-hygiene"], environment: env)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("\(nul):1: error: field 'output': contains U+0000"))
            #expect(try Self.counts(db) == ["0", "0", "0"])
        }
    }

    @Test func listsAndSelfInstructFilesImportAsTheirFormat() throws {
        try Ops.withDatabase { url, db in
            let env = ["SI_DATABASE_URL": url]
            let dir = try SictlDedupTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let list = try Self.write("""
                [
                  {"instruction": "Add the numbers.", "input": "2, 3", "output": "5"},
                  {"instruction": "Name a color.", "input": "", "output": "Blue"},
                  {"instruction": "Name a fruit.", "input": "<noinput>", "output": "Apple"}
                ]
                """, "alpaca_data.json", in: dir)
            let fromList = try Ops.json(try Ops.run(["import", list, "--name", "list", "--json"], environment: env).stdout)
            #expect(fromList["format"] as? String == "alpaca-json")
            #expect((fromList["instances"] as? [String: Any])?["valid"] as? Int == 3)
            // A normalisation keeps the record, fixed, and says so in hygiene_fixes and si_rejections.
            #expect((fromList["hygiene"] as? [[String: Any]])?.map { [$0["reason"] as? String, ($0["count"] as? Int).map(String.init)] }
                    == [["hygiene_noinput_marker", "1"]])
            #expect(try db.execute("SELECT input, hygiene_fixes::text FROM instances WHERE output = 'Apple'").rows == [["", "{hygiene_noinput_marker}"]])
            #expect(try db.execute("SELECT stage, reason, count FROM si_rejections WHERE stage = 'hygiene.normalised'").rows
                    == [["hygiene.normalised", "hygiene_noinput_marker", "1"]])

            let selfInstruct = try Self.write("""
                {"instruction": "Classify the sentiment.", "instances": [{"input": "I love it", "output": "Positive"}, {"input": "Awful.", "output": "Negative"}], "most_similar": {}}
                {"instruction": "Write a haiku about rain.", "instances": [{"input": "", "output": "Soft rain on the roof."}]}
                """, "machine_generated_instances.jsonl", in: dir)
            let outcome = try Ops.run(["import", selfInstruct, "--name", "si", "--recipe", "self-instruct", "--json"], environment: env)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let fromSelfInstruct = try Ops.json(outcome.stdout)
            #expect(fromSelfInstruct["format"] as? String == "self-instruct")
            #expect((fromSelfInstruct["instances"] as? [String: Any])?["valid"] as? Int == 3)
            #expect(try Ops.scalar(db, "SELECT recipe FROM runs WHERE name = 'si'") == "self-instruct")
            // A self-instruct run that was imported has no classifications, and the audit knows why.
            let audit = try Ops.run(["audit", "si"], environment: env)
            #expect(audit.status == 0, "\(audit.stdout)")
            #expect(audit.stdout.contains("PASS admitted_classified: skipped: imported run"))

            let forced = try Ops.run(["import", selfInstruct, "--name", "forced", "--format", "jsonl"], environment: env)
            #expect(forced.status == 1)
            #expect(forced.stderr.contains("use --format self-instruct"))
        }
    }

    @Test func helpTeachesWithExamples() throws {
        let outcome = try Ops.run(["import", "--help"], environment: [:])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.contains("Examples:"))
        #expect(outcome.stdout.contains("sictl import alpaca_data.json --name alpaca52k"))
        #expect(outcome.stdout.contains("--no-hygiene"))
        let list = try Ops.run(["--help"], environment: [:])
        #expect(list.stdout.contains("import"))
    }
}
