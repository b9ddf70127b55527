#!/usr/bin/env python3
"""Layout checks for Sources/: top-level types per file, files named after their type, SQL outside its homes.

    python3 Tools/layout/check.py        prints the figures; exit 1 when a file is not named after its type,
                                         holds more than one top-level type, or SQL text is outside Records/Store

A top-level type is a struct, class, enum, protocol or actor declared at column 0 (extensions do not count);
main.swift holds a program's entry point whatever its type is called.
"""
import os
import re
import sys

SOURCES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Sources")
TYPE = re.compile(r'^(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|internal|private|fileprivate|package|final|indirect|nonisolated)\s+)*'
                  r'(?:struct|class|enum|protocol|actor)\s+(\w+)')
SQL = re.compile(r'(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM) ')

files, types, problems, sql_outside = 0, 0, [], []
for root, _, names in os.walk(SOURCES):
    for name in sorted(names):
        if not name.endswith(".swift"):
            continue
        path = os.path.join(root, name)
        relative = os.path.relpath(path, SOURCES)
        text = open(path, encoding="utf-8").read()
        declared = [m.group(1) for line in text.split("\n") for m in [TYPE.match(line)] if m]
        files += 1
        types += len(declared)
        if len(declared) > 1:
            problems.append(f"{relative}: {len(declared)} top-level types ({', '.join(declared)})")
        elif declared and declared[0] != name[:-6] and name != "main.swift":
            problems.append(f"{relative}: holds {declared[0]}, not named after it")
        module = relative.split(os.sep)[0]
        if module not in ("Records", "Store") and SQL.search(text):
            sql_outside.append(relative)

print(f"Sources: {files} files, {types} top-level types, {types / files:.2f} per file")
print(f"SQL statements outside Records and Store: {len(sql_outside)}")
for line in problems + [f"{p}: SQL text outside Records and Store" for p in sql_outside]:
    print("  " + line)
sys.exit(1 if problems or sql_outside else 0)
