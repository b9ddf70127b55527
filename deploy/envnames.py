"""The SI_* environment variable names each program reads, taken from the Swift sources themselves, so a typo
in compose.yaml or a Kubernetes manifest is caught without building or running anything.

Used by deploy/validate-compose.py and deploy/validate-k8s.py.
"""

import pathlib
import re

REPO = pathlib.Path(__file__).resolve().parent.parent
SOURCES = REPO / "Sources"

STAGE_DAEMONS = ("si-generate", "si-filter", "si-classify", "si-instances", "si-shards")
# Stages that call the teacher (architecture §2). Cross-checked against `needsTeacher:` in each main.swift
# once the stage is implemented.
TEACHER_STAGES = {"si-generate", "si-classify", "si-instances"}
# Named in architecture §2 for a program whose code has not landed yet: accepted with a note.
PLANNED = {"si-shards": {"SI_SHARDS_DIR"}}
# Every daemon fails at start without these.
REQUIRED = {"SI_DATABASE_URL", "SI_AMQP_URL"}
REQUIRED_TEACHER = {"SI_TEACHER_URL", "SI_TEACHER_MODEL"}

_LITERAL = re.compile(r'"(SI_[A-Z0-9_]+)"')
# Every name is spelled once, in the domain's `EnvironmentVariable` enum; programs refer to it by identifier.
CATALOGUE = SOURCES / "SelfInstruct" / "Core" / "EnvironmentVariable.swift"
_DECLARATION = re.compile(r'static\s+let\s+(\w+)\s*=\s*"(SI_[A-Z0-9_]+)"')
_REFERENCE = re.compile(r"\bEnvironmentVariable\.(\w+)\b")


def catalogue():
    """{identifier: name} as declared in EnvironmentVariable.swift."""
    return dict(_DECLARATION.findall(CATALOGUE.read_text(encoding="utf-8")))


def declared_names():
    """Every SI_* name spelled in EnvironmentVariable.swift."""
    return set(catalogue().values())


def _literals(paths):
    """The SI_* names the files under `paths` read: string literals plus `EnvironmentVariable.x` references."""
    declared = catalogue()
    names = set()
    for path in paths:
        files = sorted(path.rglob("*.swift")) if path.is_dir() else [path]
        for file in files:
            text = file.read_text(encoding="utf-8")
            names.update(_LITERAL.findall(text))
            for identifier in _REFERENCE.findall(text):
                if identifier not in declared:
                    raise KeyError(f"{file}: EnvironmentVariable.{identifier} is not declared in {CATALOGUE}")
                names.add(declared[identifier])
    return names


def _main_source(program):
    return "".join(p.read_text(encoding="utf-8") for p in sorted((SOURCES / program).glob("*.swift")))


def is_worker_program(program):
    """True once the stage's main runs the shared Worker runtime (not a placeholder)."""
    return "WorkerDaemon" in _main_source(program)


def teacher_flag(program):
    """`needsTeacher:` as written in the stage's main, or None for a placeholder."""
    match = re.search(r"needsTeacher:\s*(true|false)", _main_source(program))
    return None if match is None else match.group(1) == "true"


# The amqps:// settings, read by BrokerTLS for WorkerConfig and for sictl doctor alike.
BROKER_TLS = SOURCES / "Broker" / "BrokerTLS.swift"


def worker_names():
    """Names WorkerConfig reads; it hands the SI_TEACHER_* ones to TeacherConfig and the TLS ones to BrokerTLS."""
    return _literals([SOURCES / "Worker" / "WorkerConfig.swift", BROKER_TLS])


def teacher_names():
    return _literals([SOURCES / "Teacher" / "TeacherConfig.swift"])


def names_read_by(program):
    """(allowed names, notes) for one program."""
    notes = []
    if program in STAGE_DAEMONS:
        allowed = worker_names() | _literals([SOURCES / program])
        if program in TEACHER_STAGES:
            allowed |= teacher_names()
        if not is_worker_program(program):
            notes.append(f"{program} is still a placeholder; checked against WorkerConfig/TeacherConfig")
        planned = PLANNED.get(program, set())
        if planned - allowed:
            notes.append(f"{program}: {', '.join(sorted(planned - allowed))} accepted as planned (architecture §2)")
        return allowed | planned, notes
    if program == "sictl":
        return _literals([SOURCES / "sictl", SOURCES / "Operations", BROKER_TLS]), notes
    if program == "si-teacher-sim":
        return _literals([SOURCES / "si-teacher-sim"]), notes
    raise KeyError(program)


def check(program, names, where):
    """Errors (strings) for one program's environment `names`; `where` prefixes each message."""
    errors = []
    allowed, _ = names_read_by(program)
    for name in sorted(n for n in names if n.startswith("SI_")):
        if name not in allowed:
            errors.append(f"{where}: {name} is not read by {program}")
    if program in STAGE_DAEMONS:
        for name in sorted(REQUIRED - set(names)):
            errors.append(f"{where}: {program} needs {name}")
        if program in TEACHER_STAGES:
            for name in sorted(REQUIRED_TEACHER - set(names)):
                errors.append(f"{where}: {program} calls the teacher and needs {name}")
        flag = teacher_flag(program)
        if flag is not None and flag != (program in TEACHER_STAGES):
            errors.append(f"{where}: {program}'s main says needsTeacher: {str(flag).lower()}; update TEACHER_STAGES")
    return errors


def all_notes():
    notes = []
    for program in STAGE_DAEMONS:
        notes.extend(names_read_by(program)[1])
    return notes
