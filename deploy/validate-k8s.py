#!/usr/bin/env python3
"""Static checks of deploy/k8s, for machines without a cluster.

    python3 deploy/validate-k8s.py

1. Every YAML document under deploy/k8s parses and has apiVersion, kind and metadata.name (a Kustomization
   needs no name).
2. Each container running one of our programs gets only SI_* names that program reads (env, plus the keys of
   the ConfigMaps and Secrets it loads with envFrom), and the daemons get their required ones
   (deploy/envnames.py).
3. The KEDA ScaledObjects target existing Deployments and name exactly the stage queues of
   Sources/SelfInstruct/Pipeline/PipelineStage.swift (namespace `si`), every queue once.
4. When `kubectl` (or `kustomize`) is on PATH, both kustomizations build.
Needs PyYAML. Exit status 0 when all pass, 1 otherwise.
"""

import pathlib
import re
import shutil
import subprocess
import sys

import yaml

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import envnames  # noqa: E402

K8S = envnames.REPO / "deploy" / "k8s"


def stage_queues(namespace="si"):
    """Queue names from the PipelineStage enum: `case name` or `case name = "raw"`."""
    text = (envnames.SOURCES / "SelfInstruct" / "Pipeline" / "PipelineStage.swift").read_text(encoding="utf-8")
    body = text[text.index("enum PipelineStage"):]
    body = body[:body.index("}")]
    return {f"{namespace}.{raw or name}" for name, raw in re.findall(r'case (\w+)(?: = "([^"]+)")?', body)}


def load_documents(problems):
    documents = []
    for path in sorted(K8S.rglob("*.yaml")):
        relative = path.relative_to(envnames.REPO)
        try:
            loaded = [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d is not None]
        except yaml.YAMLError as error:
            problems.append(f"{relative}: does not parse: {error}")
            continue
        for index, document in enumerate(loaded):
            where = f"{relative}#{index}"
            missing = [key for key in ("apiVersion", "kind") if not document.get(key)]
            if document.get("kind") != "Kustomization" and not (document.get("metadata") or {}).get("name"):
                missing.append("metadata.name")
            if missing:
                problems.append(f"{where}: missing {', '.join(missing)}")
            documents.append((where, document))
        print(f"yaml: {relative}: {len(loaded)} document(s)")
    return documents


def check_environment(documents, problems):
    config_keys = {}
    for _, document in documents:
        if document.get("kind") in ("ConfigMap", "Secret"):
            data = {**(document.get("data") or {}), **(document.get("stringData") or {})}
            config_keys[(document["kind"], (document.get("metadata") or {}).get("name"))] = set(data)
    for where, document in documents:
        if document.get("kind") not in ("Deployment", "Job"):
            continue
        name = (document.get("metadata") or {}).get("name", "?")
        for container in document["spec"]["template"]["spec"]["containers"]:
            argv = list(container.get("command") or []) + list(container.get("args") or [])
            if not argv:
                continue
            program = argv[0]
            names = {entry["name"] for entry in container.get("env") or []}
            for source in container.get("envFrom") or []:
                for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    if key in source:
                        reference = (kind, source[key]["name"])
                        if reference not in config_keys:
                            problems.append(f"{where}: envFrom {kind} {reference[1]} is not defined under deploy/k8s")
                        names |= config_keys.get(reference, set())
            problems.extend(envnames.check(program, names, f"{where} {name}"))
            print(f"env: {document['kind']} {name} ({program}): {', '.join(sorted(names))}")


def check_keda(documents, problems):
    deployments = {(d.get("metadata") or {}).get("name") for _, d in documents if d.get("kind") == "Deployment"}
    expected = stage_queues()
    seen = []
    for where, document in documents:
        if document.get("kind") != "ScaledObject":
            continue
        target = document["spec"]["scaleTargetRef"]["name"]
        if target not in deployments:
            problems.append(f"{where}: scaleTargetRef {target} is not a Deployment under deploy/k8s")
        for trigger in document["spec"]["triggers"]:
            queue = trigger["metadata"].get("queueName")
            if trigger.get("type") != "rabbitmq" or queue not in expected:
                problems.append(f"{where}: trigger {trigger.get('type')} {queue} is not a stage queue of PipelineStage.swift")
            seen.append(queue)
    for queue in sorted(expected - set(seen)):
        problems.append(f"keda: no ScaledObject scales on {queue}")
    for queue in sorted({q for q in seen if seen.count(q) > 1}):
        problems.append(f"keda: {queue} drives more than one ScaledObject")
    print(f"keda: queues {', '.join(sorted(set(seen)))} (PipelineStage: {len(expected)} stage queues)")


def check_builds(problems):
    if shutil.which("kubectl"):
        command = ["kubectl", "kustomize"]
    elif shutil.which("kustomize"):
        command = ["kustomize", "build"]
    else:
        print("kustomize: neither kubectl nor kustomize on PATH; builds not checked")
        return
    for directory in ("base", "keda"):
        result = subprocess.run(command + [str(K8S / directory)], capture_output=True, text=True)
        if result.returncode != 0:
            problems.append(f"kustomize {directory}: {result.stderr.strip()}")
            continue
        kinds = [d["kind"] for d in yaml.safe_load_all(result.stdout) if d]
        print(f"kustomize: {' '.join(command)} deploy/k8s/{directory}: {len(kinds)} resources")


def main():
    problems = []
    documents = load_documents(problems)
    check_environment(documents, problems)
    check_keda(documents, problems)
    check_builds(problems)
    for note in envnames.all_notes():
        print(f"note: {note}")
    for problem in problems:
        print(f"error: {problem}")
    print("deploy/k8s: OK" if not problems else f"deploy/k8s: {len(problems)} problem(s)")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
