#!/usr/bin/env python3
"""Static checks of compose.yaml, for machines without a Docker engine.

    python3 deploy/validate-compose.py [--schema compose-spec.json] [compose.yaml]

1. Interpolates ${VAR}, ${VAR:-default}, ${VAR-default} and $$ from the environment as Compose does, then
   validates against the Compose Specification JSON schema (draft 7), printing each error with its path.
2. Checks each service's SI_* variable names against what its program reads in the Swift sources
   (deploy/envnames.py), and that the daemons get their required variables.
Needs PyYAML and jsonschema. Exit status 0 when both pass, 1 otherwise.
"""

import argparse
import json
import os
import pathlib
import re
import sys

import jsonschema
import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import envnames  # noqa: E402

DEFAULT_SCHEMA = "/work/shared/schemas/compose-spec.json"
_VARIABLE = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\})")


def interpolate(value, environment):
    """Compose's substitution for the forms compose.yaml uses; strings only, recursively."""
    if isinstance(value, dict):
        return {key: interpolate(item, environment) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environment) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match):
        if match.group(0) == "$$":
            return "$"
        name, operator, default = match.groups()
        current = environment.get(name)
        if operator == ":-" and not current:
            return default
        if operator == "-" and current is None:
            return default
        return current or ""

    return _VARIABLE.sub(substitute, value)


def path_of(error):
    return "/".join(str(part) for part in error.absolute_path) or "(root)"


def environment_names(service):
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return {entry.split("=", 1)[0] for entry in environment}
    return set(environment)


def program_of(service):
    argv = list(service.get("entrypoint") or []) + list(service.get("command") or [])
    return argv[0] if argv else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("compose", nargs="?", default=str(envnames.REPO / "compose.yaml"))
    parser.add_argument("--schema", default=DEFAULT_SCHEMA)
    arguments = parser.parse_args()

    with open(arguments.compose, encoding="utf-8") as file:
        document = yaml.safe_load(file)  # resolves anchors and `<<` merge keys, as Compose does
    with open(arguments.schema, encoding="utf-8") as file:
        schema = json.load(file)

    failures = 0
    validator = jsonschema.Draft7Validator(schema)
    schema_errors = sorted(validator.iter_errors(interpolate(document, os.environ)), key=path_of)
    for error in schema_errors:
        print(f"schema: {path_of(error)}: {error.message}")
    failures += len(schema_errors)
    print(f"schema: {len(schema_errors)} error(s) against {arguments.schema}")

    checked = 0
    for name, service in sorted(document.get("services", {}).items()):
        program = program_of(service)
        if program is None or not (program.startswith("si-") or program == "sictl"):
            continue  # third-party images
        errors = envnames.check(program, environment_names(service), f"services/{name}/environment")
        for error in errors:
            print(f"env: {error}")
        failures += len(errors)
        checked += 1
        print(f"env: {name} ({program}): {', '.join(sorted(environment_names(service)))}")
    for note in envnames.all_notes():
        print(f"note: {note}")
    print(f"env: {checked} service(s) checked")

    print("compose.yaml: OK" if failures == 0 else f"compose.yaml: {failures} problem(s)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
