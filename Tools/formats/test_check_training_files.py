#!/usr/bin/env python3
"""Self-test of check_training_files.py: hand-made run directories, one good and one per failure class.

    .local/datasets-venv/bin/python Tools/formats/test_check_training_files.py [--quiet]

Each case writes a run directory in a temporary folder (records of all five formats, their manifest and
dataset_info.json), breaks one thing, runs the checker and wants its exit code and messages: every expected
message must be printed, and every FAIL line must be one of them (a break must not be reported as something
else). Prints each case with the messages it got (--quiet: only the cases that failed), and ends with
'N passed, N failed'; exits 1 when a case failed.
"""

import contextlib
import copy
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_training_files as checker  # noqa: E402

PAIRS = {
    "train": [
        ("Write a Swift function that reverses a string.", "",
         "func reversed(_ s: String) -> String { String(s.reversed()) }"),
        ("Explain what `guard let` does in Swift.", "",
         "`guard let` unwraps an optional or leaves the scope early."),
        ("Sum the numbers in this array.", "[1, 2, 3]", "let total = [1, 2, 3].reduce(0, +) // 6"),
    ],
    "validation": [
        ("Declare a Swift struct for a 2D point.", "", "struct Point { var x: Double; var y: Double }"),
    ],
}
SYSTEM = "You are a careful Swift programmer."


def user_text(instruction, input_text):
    return instruction if not input_text else f"{instruction}\n\n{input_text}"


def records_of(format_name, split):
    """The records of one format and split, as a writer following the contract would make them."""
    out = []
    for instruction, input_text, output in PAIRS[split]:
        if format_name in ("jsonl", "alpaca-json"):
            out.append({"instruction": instruction, "input": input_text, "output": output})
        elif format_name == "self-instruct":
            out.append({"prompt": f"Instruction: {user_text(instruction, input_text)}\nOutput:",
                        "completion": f" {output}<|endoftext|>"})
        elif format_name == "openai-chat":
            out.append({"messages": [{"role": "system", "content": SYSTEM},
                                     {"role": "user", "content": user_text(instruction, input_text)},
                                     {"role": "assistant", "content": output}]})
        elif format_name == "sharegpt":
            out.append({"conversations": [{"from": "human", "value": user_text(instruction, input_text)},
                                          {"from": "gpt", "value": output}], "system": SYSTEM})
    return out


def dataset_info():
    info = {}
    for split in ("train", "validation"):
        alpaca_columns = {"prompt": "instruction", "query": "input", "response": "output"}
        info[f"jsonl_{split}"] = {"file_name": f"jsonl/{split}", "formatting": "alpaca", "columns": alpaca_columns}
        info[f"alpaca_json_{split}"] = {"file_name": f"alpaca-json/{split}", "formatting": "alpaca",
                                        "columns": dict(alpaca_columns)}
        info[f"self_instruct_{split}"] = {"file_name": f"self-instruct/{split}", "formatting": "alpaca",
                                          "columns": {"prompt": "prompt", "response": "completion"}}
        info[f"openai_chat_{split}"] = {
            "file_name": f"openai-chat/{split}", "formatting": "sharegpt", "columns": {"messages": "messages"},
            "tags": {"role_tag": "role", "content_tag": "content", "user_tag": "user",
                     "assistant_tag": "assistant", "system_tag": "system"}}
        info[f"sharegpt_{split}"] = {
            "file_name": f"sharegpt/{split}", "formatting": "sharegpt",
            "columns": {"messages": "conversations", "system": "system"},
            "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
                     "system_tag": "system"}}
    return info


def serialize(format_name, records):
    if format_name == "alpaca-json":
        return (json.dumps(records, indent=2, ensure_ascii=False) + "\n").encode()
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def write_run(directory, records=None, info=None, edit_manifest=None, extra_files=()):
    """Writes a run directory: records[(format, split)] -> list (alpaca-json train in two shards)."""
    records = records or {(f, s): records_of(f, s) for f in checker.FORMATS for s in ("train", "validation")}
    info = dataset_info() if info is None else info
    files = []
    for (format_name, split), items in sorted(records.items()):
        extension = checker.FORMATS[format_name][0]
        shards = [items[:2], items[2:]] if (format_name, split) == ("alpaca-json", "train") else [items]
        for shard, part in enumerate(shards):
            path = f"{format_name}/{split}/{split}-{shard:05d}.{extension}"
            data = serialize(format_name, part)
            os.makedirs(os.path.join(directory, format_name, split), exist_ok=True)
            with open(os.path.join(directory, path), "wb") as handle:
                handle.write(data)
            files.append({"path": path, "format": format_name, "split": split, "shard": shard,
                          "records": len(part), "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    data = (json.dumps(info, indent=2) + "\n").encode()
    with open(os.path.join(directory, "dataset_info.json"), "wb") as handle:
        handle.write(data)
    files.append({"path": "dataset_info.json", "format": "dataset_info", "records": len(info),
                  "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    manifest = {"run": "selftest", "run_id": 1, "formats": sorted({f for f, _ in records}), "files": files}
    if edit_manifest:
        edit_manifest(manifest)
    with open(os.path.join(directory, "manifest.json"), "w") as handle:
        json.dump(manifest, handle, indent=2)
    for path, text in extra_files:
        with open(os.path.join(directory, path), "w") as handle:
            handle.write(text)


def changed_records(change):
    """All the good records, with change(records) applied to a deep copy."""
    records = {(f, s): records_of(f, s) for f in checker.FORMATS for s in ("train", "validation")}
    records = copy.deepcopy(records)
    change(records)
    return records


def changed_info(change):
    info = dataset_info()
    change(info)
    return info


def set_sha(manifest):
    manifest["files"][0]["sha256"] = "0" * 64


def set_role(records):
    records[("openai-chat", "train")][1]["messages"][2]["role"] = "bot"


def empty_content(records):
    records[("openai-chat", "validation")][0]["messages"][2]["content"] = ""


def unknown_message_key(records):
    records[("openai-chat", "train")][0]["messages"][1]["tool"] = "swiftc"


def overlap(records):
    # The validation pair is also a train pair, in every format.
    for format_name in checker.FORMATS:
        records[(format_name, "validation")].append(copy.deepcopy(records[(format_name, "train")][0]))


def no_end_of_text(records):
    records[("self-instruct", "train")][2]["completion"] = " let total = 6"


def sharegpt_wrong_order(records):
    conversation = records[("sharegpt", "train")][0]["conversations"]
    conversation.reverse()


def drop_formatting(info):
    del info["sharegpt_train"]["formatting"]


def unknown_column(info):
    info["jsonl_validation"]["columns"]["instruction"] = "instruction"


def unknown_tag(info):
    info["openai_chat_train"]["tags"]["speaker_tag"] = "role"


def missing_query_default(info):
    # 'columns' replaces all defaults: an entry naming no prompt column would give LLaMA-Factory none.
    info["self_instruct_train"]["columns"] = {"response": "completion"}


def uncovered(info):
    del info["jsonl_validation"]


def system_not_in_openai(info):
    info["openai_chat_validation"]["columns"]["system"] = "system"


def fewer_records(manifest):
    manifest["files"][1]["records"] = 5


CASES = [
    # name, write_run arguments, checker arguments, exit code, expected messages
    ("good run", {}, [], 0, []),
    ("good run, --expect-formats all five", {}, ["--expect-formats", "jsonl,alpaca-json,self-instruct,openai-chat,sharegpt"], 0, []),
    ("--expect-formats differs", {}, ["--expect-formats", "jsonl,sharegpt"], 1,
     ["manifest.json: formats are ['alpaca-json', 'jsonl', 'openai-chat', 'self-instruct', 'sharegpt'], "
      "expected ['jsonl', 'sharegpt']"]),
    ("wrong sha256", {"edit_manifest": set_sha}, [], 1,
     ["alpaca-json/train/train-00000.json: sha256 is ", ", the manifest says 0000000000"]),
    ("record count differs from the manifest", {"edit_manifest": fewer_records}, [], 1,
     ["alpaca-json/train/train-00001.json: has 1 records, the manifest says 5",
      "alpaca-json/ (datasets.load_dataset): train has 3 rows, the manifest says 7"]),
    ("bad openai role", {"records": changed_records(set_role)}, [], 1,
     ["openai-chat/train/train-00000.jsonl:2: OpenAI: messages[2] has role 'bot' (allowed: assistant, function, system, user)",
      "openai-chat/train/train-00000.jsonl:2: OpenAI: no assistant message",
      "openai-chat/train/train-00000.jsonl:2: read through dataset_info.json entry 'openai_chat_train': message 1 has role 'bot'"]),
    ("empty openai content", {"records": changed_records(empty_content)}, [], 1,
     ["openai-chat/validation/validation-00000.jsonl:1: OpenAI: messages[2] has empty content"]),
    ("unknown openai message key", {"records": changed_records(unknown_message_key)}, [], 1,
     ["openai-chat/train/train-00000.jsonl:1: OpenAI: messages[1] has unknown key(s) tool (allowed: content, function_call, name, role, weight)"]),
    ("overlapping splits", {"records": changed_records(overlap)}, [], 1,
     [f"{f}/validation/validation-00000.{checker.FORMATS[f][0]}:{line}: its {what} is also in train at "
      f"{f}/train/train-00000.{checker.FORMATS[f][0]}:{train_line}"
      for f, line, train_line, what in [("jsonl", 2, 1, "instruction"), ("alpaca-json", 7, 2, "instruction"),
                                        ("self-instruct", 2, 1, "prompt"), ("openai-chat", 2, 1, "user turn"),
                                        ("sharegpt", 2, 1, "user turn")]]),
    ("self-instruct completion without <|endoftext|>", {"records": changed_records(no_end_of_text)}, [], 1,
     ["self-instruct/train/train-00000.jsonl:3: completion does not end with <|endoftext|>"]),
    ("sharegpt turns out of order", {"records": changed_records(sharegpt_wrong_order)}, [], 1,
     ["sharegpt/train/train-00000.jsonl:1: conversation is ['gpt', 'human']; the format has [human, gpt]",
      "sharegpt/train/train-00000.jsonl:1: read through dataset_info.json entry 'sharegpt_train': message 0 has from 'gpt' where LLaMA-Factory wants 'human'"]),
    ("dataset_info entry lacks formatting", {"info": changed_info(drop_formatting)}, [], 1,
     ["dataset_info.json: entry 'sharegpt_train' lacks formatting"]),
    ("two dataset_info entries for one directory", {"info": changed_info(lambda i: i.update(again=dict(i["jsonl_train"])))}, [], 1,
     ["dataset_info.json: jsonl/train/train-00000.jsonl is covered by 2 entries ('jsonl_train', 'again'), not exactly one"]),
    ("dataset_info unknown column", {"info": changed_info(unknown_column)}, [], 1,
     ["dataset_info.json: entry 'jsonl_validation' has unknown column(s) instruction for alpaca "
      "(allowed: history, prompt, query, response, system)"]),
    ("dataset_info unknown tag", {"info": changed_info(unknown_tag)}, [], 1,
     ["dataset_info.json: entry 'openai_chat_train' has unknown tag(s) speaker_tag"]),
    ("dataset_info columns without prompt", {"info": changed_info(missing_query_default)}, [], 1,
     ["self-instruct/train/train-00000.jsonl:1: read through dataset_info.json entry 'self_instruct_train': "
      "the prompt column (None) is missing or empty",
      "self-instruct/train/train-00000.jsonl:2: read through",
      "self-instruct/train/train-00000.jsonl:3: read through"]),
    ("dataset_info maps a column the files lack", {"info": changed_info(system_not_in_openai)}, [], 1,
     ["dataset_info.json: entry 'openai_chat_validation' reads column system from 'system', which its files do not have"]),
    ("data file not covered by dataset_info", {"info": changed_info(uncovered)}, [], 1,
     ["dataset_info.json: jsonl/validation/validation-00000.jsonl is covered by 0 entries, not exactly one"]),
    ("stray file in a data directory", {"extra_files": [("jsonl/train/notes.txt", "hello\n")]}, [], 1,
     ["jsonl/train/notes.txt: is in a data directory but not in the manifest",
      "dataset_info.json: entry 'jsonl_train' directory jsonl/train has files of several types ['.jsonl', '.txt']"]),
    ("blank line and bad JSON", {"extra_files": [("jsonl/train/train-00000.jsonl", '{"instruction": "a", "input": "", "output": "b"}\n\n{"instruction": \n')]}, [], 1,
     ["jsonl/train/train-00000.jsonl: has 67 bytes, the manifest says 423",
      "jsonl/train/train-00000.jsonl: sha256 is ",
      "jsonl/train/train-00000.jsonl:2: blank line",
      "jsonl/train/train-00000.jsonl:3: not one JSON value: Expecting value",
      "jsonl/ (datasets.load_dataset): fails"]),
]


QUIET = "--quiet" in sys.argv[1:]


def run_case(name, arguments, checker_arguments, want_code, want):
    with tempfile.TemporaryDirectory(prefix="check-training-files-test-") as directory:
        write_run(directory, **arguments)
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            code = checker.main([directory, *checker_arguments])
        text = output.getvalue().replace(directory, "RUN")
    fails = [line[len("FAIL "):] for line in text.splitlines() if line.startswith("FAIL ")]
    missing = [w for w in want if not any(w in f for f in fails)]
    unexpected = [f for f in fails if not any(w in f for w in want)]
    ok = code == want_code and not missing and not unexpected
    if ok and QUIET:
        return ok
    print(f"{'PASS' if ok else 'FAIL'} {name} (exit {code})")
    for line in fails:
        print(f"       {line}")
    if not ok:
        print(f"    wanted exit {want_code}; missing messages: {missing}; unexpected: {unexpected}")
        print("    output:\n" + "\n".join("      " + l for l in text.splitlines()))
    return ok


def run_command_line():
    """The checker as the Swift test runs it: a process, a summary line per file, exit 0."""
    with tempfile.TemporaryDirectory(prefix="check-training-files-test-") as directory:
        write_run(directory)
        result = subprocess.run([sys.executable, os.path.join(HERE, "check_training_files.py"), directory],
                                capture_output=True, text=True)
    lines = result.stdout.replace(directory, "RUN").splitlines()
    ok = result.returncode == 0 and len(lines) == 14 and lines[-1] == "check_training_files: RUN ok"
    if ok and QUIET:
        return ok
    print(f"{'PASS' if ok else 'FAIL'} command line on the good run (exit {result.returncode})")
    for line in lines:
        print(f"       {line}")
    if result.stderr.strip():
        print("    stderr:\n" + result.stderr)
    return ok


def main():
    results = [run_command_line()] + [run_case(*case) for case in CASES]
    passed = sum(results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
