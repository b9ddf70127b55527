#!/usr/bin/env python3
"""Proves that a run's training-data shards load in the consumers they are written for.

    check_training_files.py RUN_DIR [--expect-formats jsonl,alpaca-json,...]

RUN_DIR holds manifest.json (the run's shard manifest). For every file the manifest lists, this checks:

  - its bytes, sha256 and record count match the manifest, and its path is <format>/<split>/<split>-NNNNN.<ext>
    with the entry's format, split and shard;
  - every record has the shape of its format (field names and types, non-empty text; self-instruct
    completions end with <|endoftext|>);
  - openai-chat lines pass the rules of OpenAI's fine-tuning format checker (the cookbook's "Data preparation
    and analysis for chat model fine-tuning"): a dict with a non-empty "messages" list, each message with
    "role" and "content" and no other key than role/content/name/function_call/weight, the role one of
    system/user/assistant/function, the content a string (non-empty unless there is a function_call), and at
    least one assistant message;
  - each format loads with datasets.load_dataset("json", data_files=...) (the loader of Hugging Face TRL,
    Axolotl and LLaMA-Factory), giving the manifest's record counts, the expected columns and the same
    records;
  - dataset_info.json (LLaMA-Factory's dataset registry) uses only the keys its data/README.md documents,
    names directories that exist, covers every data file exactly once, and reading the records through its
    columns and tags the way LLaMA-Factory does finds every field it needs (sharegpt roles alternating
    user/assistant, which LLaMA-Factory otherwise drops with a warning);
  - no instruction (jsonl, alpaca-json), prompt (self-instruct) or user turn (openai-chat, sharegpt) is in
    both the train and the validation split of a format.

Prints one line per file and exits 0 when all is well; otherwise prints each problem as FILE:LINE: WHAT and
exits 1. Exit 2: bad arguments, or no `datasets` module (run with the venv of deploy/local/pyvenv.sh).
Needs only the standard library and `datasets`.
"""

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
from collections import defaultdict

FORMATS = {
    # format: (file extension, the keys each record must have, optional keys)
    "jsonl": ("jsonl", {"instruction", "input", "output"}, set()),
    "alpaca-json": ("json", {"instruction", "input", "output"}, set()),
    "self-instruct": ("jsonl", {"prompt", "completion"}, set()),
    "openai-chat": ("jsonl", {"messages"}, set()),
    "sharegpt": ("jsonl", {"conversations"}, {"system"}),
}
SPLITS = ("train", "validation")
END_OF_TEXT = "<|endoftext|>"

# OpenAI's fine-tuning checker: the keys a message may have and the roles it may take.
OPENAI_MESSAGE_KEYS = {"role", "content", "name", "function_call", "weight"}
OPENAI_ROLES = {"system", "user", "assistant", "function"}

# LLaMA-Factory's data/README.md: the keys of a dataset_info.json entry, of its columns (per formatting) and tags.
DATASET_INFO_KEYS = {
    "hf_hub_url", "ms_hub_url", "om_hub_url", "script_url", "cloud_file_name", "file_name", "file_sha1",
    "formatting", "ranking", "subset", "split", "folder", "num_samples", "columns", "tags",
}
ALPACA_COLUMNS = {"prompt", "query", "response", "system", "history"}
SHAREGPT_COLUMNS = {"messages", "system", "tools", "images", "videos"}
SHAREGPT_TAGS = {"role_tag", "content_tag", "user_tag", "assistant_tag", "observation_tag", "function_tag",
                 "system_tag"}
# The defaults LLaMA-Factory uses for what an entry does not name.
ALPACA_DEFAULT_COLUMNS = {"prompt": "instruction", "query": "input", "response": "output"}
SHAREGPT_DEFAULT_COLUMNS = {"messages": "conversations"}
SHAREGPT_DEFAULT_TAGS = {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt",
                         "observation_tag": "observation", "function_tag": "function_call", "system_tag": "system"}

MAX_PROBLEMS_PER_FILE = 20  # a file broken on every line would otherwise bury the other files' problems


class Problems:
    """Collects problems as 'FILE:LINE: WHAT', printing at most MAX_PROBLEMS_PER_FILE of each file."""

    def __init__(self):
        self.lines = []
        self.per_file = defaultdict(int)

    def add(self, where, what, line=None):
        self.per_file[where] += 1
        if self.per_file[where] <= MAX_PROBLEMS_PER_FILE:
            self.lines.append(f"{where}:{line}: {what}" if line is not None else f"{where}: {what}")

    def count(self, where):
        return self.per_file.get(where, 0)

    def report(self):
        for where, n in self.per_file.items():
            if n > MAX_PROBLEMS_PER_FILE:
                self.lines.append(f"{where}: ... and {n - MAX_PROBLEMS_PER_FILE} more problems")
        return self.lines


class JSONProblem(ValueError):
    pass


def _pairs_without_duplicates(pairs):
    # json.loads keeps the last of two equal keys silently; consumers may keep either.
    keys = [k for k, _ in pairs]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise JSONProblem(f"duplicate key {duplicates[0]!r}")
    return dict(pairs)


def _no_constants(name):
    # NaN and Infinity are not JSON; Python accepts them, Arrow and most other parsers do not.
    raise JSONProblem(f"{name} is not JSON")


DECODER = json.JSONDecoder(object_pairs_hook=_pairs_without_duplicates, parse_constant=_no_constants)


def read_jsonl(data, where, problems):
    """Yields (line number, object) for each line of a JSON Lines file; a bad line is a problem."""
    text = data.decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    for number, line in enumerate(lines, start=1):
        if line.strip() == "":
            problems.add(where, "blank line (JSON Lines has one record a line; counts by lines would be off)", number)
            continue
        try:
            value, end = DECODER.raw_decode(line)
            if line[end:].strip():
                raise JSONProblem("text after the JSON value")
        except (ValueError, JSONProblem) as error:
            problems.add(where, f"not one JSON value: {error}", number)
            continue
        yield number, value


def read_json_list(data, where, problems):
    """Yields (line number, object) for each item of a file that is one JSON list, with the line it starts on."""
    text = data.decode("utf-8")
    line_of = lambda offset: text.count("\n", 0, offset) + 1
    whitespace = re.compile(r"\s*")
    position = whitespace.match(text, 0).end()
    if not text.startswith("[", position):
        problems.add(where, "not a JSON list (an alpaca-json file is one list of records)", line_of(position))
        return
    position = whitespace.match(text, position + 1).end()
    if text.startswith("]", position):
        position += 1
    else:
        while True:
            try:
                value, end = DECODER.raw_decode(text, position)
            except (ValueError, JSONProblem) as error:
                problems.add(where, f"bad JSON in the list: {error}", line_of(position))
                return
            yield line_of(position), value
            position = whitespace.match(text, end).end()
            if text.startswith(",", position):
                position = whitespace.match(text, position + 1).end()
            elif text.startswith("]", position):
                position += 1
                break
            else:
                problems.add(where, "expected ',' or ']' after a list item", line_of(position))
                return
    if text[position:].strip():
        problems.add(where, "text after the JSON list", line_of(position))


def is_text(value):
    return isinstance(value, str) and value.strip() != ""


# --- the shape of each format's records ---------------------------------------------------------------------
# Each returns a list of problems with one record.

def keys_problems(record, required, optional):
    if not isinstance(record, dict):
        return [f"a record must be a JSON object, not {type(record).__name__}"]
    found = []
    missing = sorted(required - record.keys())
    unknown = sorted(record.keys() - required - optional)
    if missing:
        found.append(f"missing key(s) {', '.join(missing)}")
    if unknown:
        found.append(f"unknown key(s) {', '.join(unknown)} (the format has {', '.join(sorted(required | optional))})")
    return found


def alpaca_problems(record):
    found = []
    for key in ("instruction", "input", "output"):
        if key in record and not isinstance(record[key], str):
            found.append(f"{key} must be a string, not {type(record[key]).__name__}")
    for key in ("instruction", "output"):
        if isinstance(record.get(key), str) and not is_text(record[key]):
            found.append(f"{key} is empty")
    return found


def self_instruct_problems(record):
    found = []
    prompt, completion = record.get("prompt"), record.get("completion")
    if "prompt" in record and not is_text(prompt):
        found.append("prompt is empty" if isinstance(prompt, str) else "prompt must be a string")
    if "completion" in record:
        if not isinstance(completion, str):
            found.append("completion must be a string")
        elif not completion.endswith(END_OF_TEXT):
            found.append(f"completion does not end with {END_OF_TEXT}")
        elif not is_text(completion[: -len(END_OF_TEXT)]):
            found.append(f"completion is empty before {END_OF_TEXT}")
    return found


def openai_problems(record):
    """The rules of OpenAI's fine-tuning format checker, then the contract's shape: [system?, user, assistant]."""
    if not isinstance(record, dict):
        return ["OpenAI: a line must be a JSON object"]
    messages = record.get("messages")
    if not isinstance(messages, list) or not messages:
        return ["OpenAI: missing or empty 'messages' list"]
    found = []
    if record.keys() != {"messages"}:
        found.append(f"unknown key(s) {', '.join(sorted(record.keys() - {'messages'}))} (the format has messages)")
    for index, message in enumerate(messages):
        at = f"messages[{index}]"
        if not isinstance(message, dict):
            found.append(f"OpenAI: {at} must be an object")
            continue
        if "role" not in message or "content" not in message:
            found.append(f"OpenAI: {at} lacks {'role' if 'role' not in message else 'content'}")
        unknown = sorted(message.keys() - OPENAI_MESSAGE_KEYS)
        if unknown:
            found.append(f"OpenAI: {at} has unknown key(s) {', '.join(unknown)} "
                         f"(allowed: {', '.join(sorted(OPENAI_MESSAGE_KEYS))})")
        if "role" in message and message["role"] not in OPENAI_ROLES:
            found.append(f"OpenAI: {at} has role {message['role']!r} (allowed: {', '.join(sorted(OPENAI_ROLES))})")
        content = message.get("content")
        if not isinstance(content, str):
            if "content" in message:
                found.append(f"OpenAI: {at} content must be a string, not {type(content).__name__}")
        elif not content and not message.get("function_call"):
            found.append(f"OpenAI: {at} has empty content")
        elif not content.strip():
            found.append(f"{at} content is only whitespace")
    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        found.append("OpenAI: no assistant message")
    if not found:
        roles = [m["role"] for m in messages]
        if roles not in (["user", "assistant"], ["system", "user", "assistant"]):
            found.append(f"roles are {roles}; the format has [system?, user, assistant]")
    return found


def sharegpt_problems(record):
    found = []
    conversations = record.get("conversations")
    if "conversations" in record:
        if not isinstance(conversations, list):
            found.append("conversations must be a list")
        else:
            for index, turn in enumerate(conversations):
                at = f"conversations[{index}]"
                if not isinstance(turn, dict):
                    found.append(f"{at} must be an object")
                    continue
                extra = sorted(turn.keys() - {"from", "value"})
                if "from" not in turn or "value" not in turn or extra:
                    found.append(f"{at} must have exactly the keys from and value, has {sorted(turn.keys())}")
                    continue
                if turn["from"] not in ("human", "gpt"):
                    found.append(f"{at} is from {turn['from']!r} (the format has human and gpt)")
                if not is_text(turn["value"]):
                    found.append(f"{at} value is empty" if isinstance(turn["value"], str)
                                 else f"{at} value must be a string")
            if not found:
                roles = [t["from"] for t in conversations]
                if roles != ["human", "gpt"]:
                    found.append(f"conversation is {roles}; the format has [human, gpt]")
    if "system" in record and not is_text(record["system"]):
        found.append("system is empty" if isinstance(record["system"], str) else "system must be a string")
    return found


RECORD_RULES = {
    "jsonl": alpaca_problems,
    "alpaca-json": alpaca_problems,
    "self-instruct": self_instruct_problems,
    "openai-chat": openai_problems,
    "sharegpt": sharegpt_problems,
}


TURN_NAMES = {"jsonl": "instruction", "alpaca-json": "instruction", "self-instruct": "prompt",
              "openai-chat": "user turn", "sharegpt": "user turn"}


def user_turn(format_name, record):
    """The text that must not be in both splits: the instruction, the prompt or the first user turn."""
    try:
        if format_name in ("jsonl", "alpaca-json"):
            return record["instruction"]
        if format_name == "self-instruct":
            return record["prompt"]
        if format_name == "openai-chat":
            return next(m["content"] for m in record["messages"] if m.get("role") == "user")
        if format_name == "sharegpt":
            return next(t["value"] for t in record["conversations"] if t.get("from") == "human")
    except (KeyError, TypeError, StopIteration, AttributeError):
        return None  # a record already reported as malformed


# --- the manifest and the files -----------------------------------------------------------------------------

class DataFile:
    def __init__(self, entry):
        self.path = entry.get("path")
        self.format = entry.get("format")
        self.split = entry.get("split")
        self.shard = entry.get("shard")
        self.records = entry.get("records")
        self.bytes = entry.get("bytes")
        self.sha256 = entry.get("sha256")
        self.parsed = []  # (line number, record) of the records that parsed


def safe_relative(path):
    """A path inside the run directory: relative, without '..' parts."""
    return isinstance(path, str) and path != "" and not os.path.isabs(path) and ".." not in path.split("/")


def check_file(run_dir, item, problems):
    """Bytes, sha256, path layout, and the records of one data file; returns True when it could be read."""
    where = item.path
    extension = FORMATS[item.format][0]
    pattern = rf"{re.escape(item.format)}/{item.split}/{item.split}-(\d{{5}})\.{extension}"
    match = re.fullmatch(pattern, item.path)
    if not match:
        problems.add(where, f"path should be {item.format}/{item.split}/{item.split}-NNNNN.{extension}")
    elif int(match.group(1)) != item.shard:
        problems.add(where, f"path says shard {int(match.group(1))}, the manifest says {item.shard}")
    full = os.path.join(run_dir, item.path)
    try:
        with open(full, "rb") as handle:
            data = handle.read()
    except OSError as error:
        problems.add(where, f"cannot read: {error.strerror}")
        return False
    if len(data) != item.bytes:
        problems.add(where, f"has {len(data)} bytes, the manifest says {item.bytes}")
    digest = hashlib.sha256(data).hexdigest()
    if digest != item.sha256:
        problems.add(where, f"sha256 is {digest}, the manifest says {item.sha256}")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.add(where, f"not UTF-8 at byte {error.start}")
        return False
    reader = read_json_list if extension == "json" else read_jsonl
    required, optional = FORMATS[item.format][1:]
    for line, record in reader(data, where, problems):
        found = keys_problems(record, required, optional) if item.format != "openai-chat" else []
        if isinstance(record, dict) or item.format == "openai-chat":
            found += RECORD_RULES[item.format](record)
        for what in found:
            problems.add(where, what, line)
        item.parsed.append((line, record))
    count = len(item.parsed)
    if problems.count(where) == 0 and count != item.records:
        problems.add(where, f"has {count} records, the manifest says {item.records}")
    if item.records == 0:
        problems.add(where, "an empty shard: datasets.load_dataset fails on it (StopIteration)")
    return True


def read_manifest(run_dir, problems):
    path = os.path.join(run_dir, "manifest.json")
    try:
        with open(path, "rb") as handle:
            manifest = DECODER.decode(handle.read().decode("utf-8"))
    except OSError as error:
        problems.add("manifest.json", f"cannot read: {error.strerror}")
        return None
    except (ValueError, JSONProblem) as error:
        problems.add("manifest.json", f"not JSON: {error}")
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list) \
            or not isinstance(manifest.get("formats"), list):
        problems.add("manifest.json", "must be an object with a 'formats' list and a 'files' list")
        return None
    return manifest


def manifest_files(manifest, problems):
    """The data files and the dataset_info entry of the manifest, each entry checked for its fields."""
    data_files, info_entry, seen = [], None, set()
    for index, entry in enumerate(manifest["files"]):
        at = f"files[{index}]"
        if not isinstance(entry, dict):
            problems.add("manifest.json", f"{at} must be an object")
            continue
        path = entry.get("path")
        if not safe_relative(path):
            problems.add("manifest.json", f"{at} path {path!r} must be relative, inside the run directory")
            continue
        if path in seen:
            problems.add("manifest.json", f"{at} lists {path} a second time")
            continue
        seen.add(path)
        complete = True
        for key, kind in (("records", int), ("bytes", int), ("sha256", str)):
            if not isinstance(entry.get(key), kind) or isinstance(entry.get(key), bool):
                problems.add("manifest.json", f"{at} ({path}) needs {key} as {kind.__name__}")
                complete = False
        if entry.get("format") == "dataset_info":
            if info_entry is not None:
                problems.add("manifest.json", f"{at} a second dataset_info file ({path})")
            info_entry = entry
            continue
        if entry.get("format") not in FORMATS:
            problems.add("manifest.json", f"{at} ({path}) has unknown format {entry.get('format')!r}")
        elif entry.get("split") not in SPLITS:
            problems.add("manifest.json", f"{at} ({path}) has split {entry.get('split')!r}, not train or validation")
        elif not isinstance(entry.get("shard"), int) or isinstance(entry.get("shard"), bool):
            problems.add("manifest.json", f"{at} ({path}) needs shard as int")
        elif complete:
            data_files.append(DataFile(entry))
    return data_files, info_entry


def check_layout(run_dir, manifest, data_files, expected_formats, problems):
    """Formats listed = formats present (= --expect-formats); shards numbered 0..n-1; no unlisted data files."""
    listed = manifest["formats"]
    present = sorted({f.format for f in data_files})
    if sorted(listed) != present:
        problems.add("manifest.json", f"'formats' is {sorted(listed)} but the files are of {present}")
    if expected_formats is not None and sorted(expected_formats) != sorted(listed):
        problems.add("manifest.json", f"formats are {sorted(listed)}, expected {sorted(expected_formats)}")
    shards = defaultdict(list)
    for item in data_files:
        shards[(item.format, item.split)].append(item.shard)
    for (format_name, split), numbers in sorted(shards.items()):
        if sorted(numbers) != list(range(len(numbers))):
            problems.add("manifest.json", f"{format_name}/{split} has shards {sorted(numbers)}, not 0..{len(numbers) - 1}")
    # A consumer given the directory (LLaMA-Factory's file_name) reads every file in it, listed or not.
    listed_paths = {f.path for f in data_files}
    for format_name in present:
        for split in SPLITS:
            directory = os.path.join(run_dir, format_name, split)
            if os.path.isdir(directory):
                for name in sorted(os.listdir(directory)):
                    path = f"{format_name}/{split}/{name}"
                    if path not in listed_paths:
                        problems.add(path, "is in a data directory but not in the manifest")


# --- datasets.load_dataset ----------------------------------------------------------------------------------

def without_nulls(value):
    # Arrow gives a key that only some records have to all of them, as None where it was absent.
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def check_load(run_dir, format_name, files, problems, cache_dir):
    """Loads one format's splits with load_dataset("json") and compares counts, columns and records."""
    import datasets
    where = f"{format_name}/ (datasets.load_dataset)"
    by_split = defaultdict(list)
    for item in sorted(files, key=lambda f: f.shard):
        by_split[item.split].append(item)
    data_files = {split: [os.path.join(run_dir, f.path) for f in items] for split, items in by_split.items()}
    try:
        loaded = datasets.load_dataset("json", data_files=data_files, cache_dir=cache_dir)
    except Exception as error:  # any failure to load is the finding; its type varies with the cause
        cause = error.__cause__ or error.__context__  # datasets wraps the parser's error in its own
        because = f" (because {type(cause).__name__}: {cause})" if cause else ""
        problems.add(where, f"fails: {type(error).__name__}: {error}{because}")
        return
    required, optional = FORMATS[format_name][1:]
    for split, items in by_split.items():
        table = loaded[split]
        expected = sum(f.records for f in items)
        if table.num_rows != expected:
            problems.add(where, f"{split} has {table.num_rows} rows, the manifest says {expected}")
        columns = set(table.column_names)
        if not required <= columns <= required | optional:
            problems.add(where, f"{split} has columns {sorted(columns)}, expected {sorted(required)}"
                                + (f" and maybe {sorted(optional)}" if optional else ""))
        records = [(f.path, line, record) for f in items for line, record in f.parsed]
        if len(records) == table.num_rows:
            for (path, line, record), row in zip(records, table):
                if without_nulls(row) != record:
                    problems.add(path, "datasets reads this record differently from the file", line)


# --- dataset_info.json (LLaMA-Factory) ----------------------------------------------------------------------

def llama_factory_attributes(entry):
    """The columns and tags LLaMA-Factory reads an entry with. Its defaults hold only where the entry has no
    'columns' (or no 'tags') at all: a 'columns' object replaces them all, so what it leaves out is None."""
    formatting = entry["formatting"]
    if formatting == "alpaca":
        names, defaults = ("prompt", "query", "response", "history", "system"), ALPACA_DEFAULT_COLUMNS
    else:
        names, defaults = ("messages", "system", "tools"), SHAREGPT_DEFAULT_COLUMNS
    columns = entry.get("columns")
    attributes = {n: (columns.get(n) if columns is not None else defaults.get(n)) for n in names}
    if formatting == "sharegpt":
        tags = entry.get("tags")
        attributes.update({t: (tags.get(t) if tags is not None else SHAREGPT_DEFAULT_TAGS[t]) for t in SHAREGPT_TAGS})
    return attributes


def read_like_llama_factory(record, formatting, a):
    """What LLaMA-Factory's converter needs of one record (attributes a); returns a problem or None."""
    if not isinstance(record, dict):
        return None  # reported already
    if formatting == "alpaca":
        if not a["prompt"] or not is_text(record.get(a["prompt"])):
            return f"the prompt column ({a['prompt']!r}) is missing or empty: the user turn would be empty"
        if not a["response"] or not isinstance(record.get(a["response"]), str):
            return f"the response column ({a['response']!r}) is not a string: LLaMA-Factory would have no response"
        return None
    messages = record.get(a["messages"]) if a["messages"] else None
    if not isinstance(messages, list) or not messages:
        return f"the messages column ({a['messages']!r}) is not a list of messages"
    if not all(isinstance(m, dict) and a["role_tag"] in m and a["content_tag"] in m for m in messages):
        return f"a message lacks the role_tag {a['role_tag']!r} or the content_tag {a['content_tag']!r}"
    # A leading system_tag message is the system prompt; then user (or observation) at odd positions and
    # assistant (or function) at even ones, in pairs. LLaMA-Factory skips other records with only a warning.
    if a["system_tag"] and messages[0][a["role_tag"]] == a["system_tag"]:
        messages = messages[1:]
    for index, message in enumerate(messages):
        wanted = (a["user_tag"], a["observation_tag"]) if index % 2 == 0 else (a["assistant_tag"], a["function_tag"])
        if message[a["role_tag"]] not in wanted:
            return (f"message {index} has {a['role_tag']} {message[a['role_tag']]!r} where LLaMA-Factory wants "
                    f"{wanted[0]!r} (user_tag {a['user_tag']!r}, assistant_tag {a['assistant_tag']!r}): it skips the record")
    if len(messages) % 2 != 0:
        return f"{len(messages)} messages after the system prompt, not user/assistant pairs: LLaMA-Factory skips the record"
    return None


def check_dataset_info(run_dir, info_entry, data_files, problems):
    if info_entry is None:
        problems.add("manifest.json", "no dataset_info file listed (format 'dataset_info')")
        return
    where = info_entry["path"]
    try:
        with open(os.path.join(run_dir, where), "rb") as handle:
            data = handle.read()
        info = DECODER.decode(data.decode("utf-8"))
    except OSError as error:
        problems.add(where, f"cannot read: {error.strerror}")
        return
    except (ValueError, JSONProblem) as error:
        problems.add(where, f"not JSON: {error}")
        return
    if len(data) != info_entry.get("bytes"):
        problems.add(where, f"has {len(data)} bytes, the manifest says {info_entry.get('bytes')}")
    digest = hashlib.sha256(data).hexdigest()
    if digest != info_entry.get("sha256"):
        problems.add(where, f"sha256 is {digest}, the manifest says {info_entry.get('sha256')}")
    if not isinstance(info, dict):
        problems.add(where, "must be a JSON object of named entries")
        return
    if len(info) != info_entry.get("records"):
        problems.add(where, f"has {len(info)} entries, the manifest says {info_entry.get('records')}")

    by_path = {f.path: f for f in data_files}
    covered = defaultdict(list)  # data file path -> the entries that name it
    for name, entry in info.items():
        at = f"entry {name!r}"
        if not isinstance(entry, dict):
            problems.add(where, f"{at} must be an object")
            continue
        unknown = sorted(entry.keys() - DATASET_INFO_KEYS)
        if unknown:
            problems.add(where, f"{at} has unknown key(s) {', '.join(unknown)} (LLaMA-Factory's data/README.md)")
        if "file_name" not in entry:
            problems.add(where, f"{at} lacks file_name")
            continue
        file_name = entry["file_name"]
        full = os.path.join(run_dir, file_name) if safe_relative(file_name) else None
        if full is None or not os.path.exists(full):
            problems.add(where, f"{at} file_name {file_name!r} does not exist in the run directory")
            continue
        if os.path.isdir(full):
            names = sorted(os.listdir(full))
            paths = [os.path.normpath(os.path.join(file_name, n)).replace(os.sep, "/") for n in names]
            extensions = {os.path.splitext(n)[1] for n in names}
            if len(extensions) > 1:  # LLaMA-Factory refuses a directory of mixed file types
                problems.add(where, f"{at} directory {file_name} has files of several types {sorted(extensions)}")
        else:
            paths = [os.path.normpath(file_name).replace(os.sep, "/")]
        for path in paths:
            covered[path].append(name)
        if "formatting" not in entry:
            problems.add(where, f"{at} lacks formatting")
            continue
        formatting = entry.get("formatting")
        if formatting not in ("alpaca", "sharegpt"):
            problems.add(where, f"{at} has formatting {formatting!r}, not alpaca or sharegpt")
            continue
        columns, tags = entry.get("columns", {}), entry.get("tags", {})
        if not isinstance(columns, dict) or not isinstance(tags, dict):
            problems.add(where, f"{at} columns and tags must be objects")
            continue
        allowed_columns = ALPACA_COLUMNS if formatting == "alpaca" else SHAREGPT_COLUMNS
        unknown = sorted(columns.keys() - allowed_columns)
        if unknown:
            problems.add(where, f"{at} has unknown column(s) {', '.join(unknown)} for {formatting} "
                                f"(allowed: {', '.join(sorted(allowed_columns))})")
        if formatting == "alpaca" and tags:
            problems.add(where, f"{at} has tags, which are for the sharegpt formatting only")
        unknown = sorted(tags.keys() - SHAREGPT_TAGS)
        if unknown:
            problems.add(where, f"{at} has unknown tag(s) {', '.join(unknown)} (allowed: {', '.join(sorted(SHAREGPT_TAGS))})")

        files = [by_path[p] for p in paths if p in by_path]
        if not files:
            problems.add(where, f"{at} file_name {file_name!r} holds no data file of the manifest")
            continue
        if {f.format for f in files} and len({f.format for f in files}) > 1:
            problems.add(where, f"{at} covers several formats {sorted({f.format for f in files})}")
            continue
        # Every column LLaMA-Factory will read must exist once the files are loaded (else a KeyError).
        attributes = llama_factory_attributes(entry)
        present = {k for f in files for _, r in f.parsed if isinstance(r, dict) for k in r}
        for role in ("prompt", "query", "response", "history", "messages", "system", "tools"):
            column = attributes.get(role)
            if column and column not in present:
                problems.add(where, f"{at} reads column {role} from {column!r}, which its files do not have "
                                    f"(they have {', '.join(sorted(present))})")
        for item in files:
            failures = 0
            for line, record in item.parsed:
                found = read_like_llama_factory(record, formatting, attributes)
                if found:
                    failures += 1
                    if failures <= 3:  # the same mistake on every line says nothing more
                        problems.add(item.path, f"read through dataset_info.json {at}: {found}", line)
    for item in data_files:
        names = covered.get(item.path, [])
        if len(names) != 1:
            problems.add(where, f"{item.path} is covered by {len(names)} entries"
                                + (f" ({', '.join(map(repr, names))})" if names else "") + ", not exactly one")


# --- splits -------------------------------------------------------------------------------------------------

def check_disjoint_splits(data_files, problems):
    """No instruction, prompt or user turn of a format in both its train and its validation split."""
    for format_name in sorted({f.format for f in data_files}):
        first_seen = {}  # text -> (path, line) in train
        for item in (f for f in data_files if f.format == format_name and f.split == "train"):
            for line, record in item.parsed:
                text = user_turn(format_name, record)
                if isinstance(text, str):
                    first_seen.setdefault(text.strip(), (item.path, line))
        for item in (f for f in data_files if f.format == format_name and f.split == "validation"):
            for line, record in item.parsed:
                text = user_turn(format_name, record)
                if isinstance(text, str) and text.strip() in first_seen:
                    path, train_line = first_seen[text.strip()]
                    problems.add(item.path, f"its {TURN_NAMES[format_name]} "
                                            f"is also in train at {path}:{train_line}: {text.strip()[:60]!r}", line)


# --- main ---------------------------------------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", help="the directory holding the run's manifest.json")
    parser.add_argument("--expect-formats", help="comma-separated formats the manifest must have, e.g. jsonl,sharegpt")
    args = parser.parse_args(argv)
    expected = None
    if args.expect_formats is not None:
        expected = [f.strip() for f in args.expect_formats.split(",") if f.strip()]
        unknown = sorted(set(expected) - FORMATS.keys())
        if unknown:
            parser.error(f"unknown format(s) {', '.join(unknown)} (known: {', '.join(FORMATS)})")

    # Offline and in a throwaway cache: the check must not reach the network nor see an earlier run's cache.
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    try:
        import datasets
    except ImportError:
        print("check_training_files: no `datasets` module in this Python; run it with the venv's python "
              "(deploy/local/pyvenv.sh install; test.sh exports it as SI_TEST_DATASETS_PYTHON)", file=sys.stderr)
        return 2
    datasets.disable_progress_bars()
    datasets.logging.set_verbosity(datasets.logging.CRITICAL)  # its errors are reported here, with their cause

    run_dir = args.run_dir
    problems = Problems()
    manifest = read_manifest(run_dir, problems)
    if manifest is not None:
        data_files, info_entry = manifest_files(manifest, problems)
        check_layout(run_dir, manifest, data_files, expected, problems)
        readable = [f for f in data_files if check_file(run_dir, f, problems)]
        check_dataset_info(run_dir, info_entry, data_files, problems)
        check_disjoint_splits(data_files, problems)
        with tempfile.TemporaryDirectory(prefix="check-training-files-") as cache_dir:
            os.environ["HF_HOME"] = cache_dir
            for format_name in sorted({f.format for f in readable}):
                check_load(run_dir, format_name, [f for f in readable if f.format == format_name], problems, cache_dir)
        for item in data_files:
            state = "ok" if problems.count(item.path) == 0 else f"{problems.count(item.path)} problem(s)"
            print(f"{item.path}: {item.format} {item.split} shard {item.shard}, {len(item.parsed)} records, "
                  f"{item.bytes} bytes: {state}")
        if info_entry is not None:
            state = "ok" if problems.count(info_entry["path"]) == 0 else f"{problems.count(info_entry['path'])} problem(s)"
            print(f"{info_entry['path']}: dataset_info, {info_entry.get('records')} entries: {state}")
        print(f"datasets {datasets.__version__}: loaded {', '.join(sorted({f.format for f in readable})) or 'nothing'}")
    lines = problems.report()
    for line in lines:
        print(f"FAIL {line}")
    if lines:
        print(f"check_training_files: {sum(problems.per_file.values())} problem(s) in {run_dir}")
        return 1
    print(f"check_training_files: {run_dir} ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
