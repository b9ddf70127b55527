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
4. Every SI_* name written anywhere under deploy/k8s, comments and inline patches included, is spelled in
   Sources/SelfInstruct/Core/EnvironmentVariable.swift.
5. Each RabbitmqCluster (rabbitmq.com/v1beta1) has an odd number of replicas, at least 3, persistent storage, equal
   memory request and limit, pod anti-affinity across nodes on its own pods, and `cluster_partition_handling =
   pause_minority` in additionalConfig.
6. When `kubectl` (or `kustomize`) is on PATH, every directory under deploy/k8s with a kustomization.yaml builds,
   and in each build: check 2 holds for the patched containers; every $(NAME) in an env value names an entry
   defined before it (Kubernetes leaves any other reference unexpanded, silently); and where the build holds a
   RabbitmqCluster, the stage daemons get SI_AMQP_QUEUE_TYPE=quorum and an SI_AMQP_URL listing each of its pods
   (<name>-server-<i>.<name>-nodes) once, with the credentials of its Secret <name>-default-user.
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
            if not isinstance(document, dict):
                problems.append(f"{where}: not a mapping (patches belong inline in a kustomization.yaml)")
                continue
            missing = [key for key in ("apiVersion", "kind") if not document.get(key)]
            if document.get("kind") != "Kustomization" and not (document.get("metadata") or {}).get("name"):
                missing.append("metadata.name")
            if missing:
                problems.append(f"{where}: missing {', '.join(missing)}")
            documents.append((where, document))
        print(f"yaml: {relative}: {len(loaded)} document(s)")
    return documents


def check_environment(documents, problems, verbose=True):
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
            if verbose:
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


_SI_NAME = re.compile(r"\bSI_[A-Z0-9_]+")


def check_spelling(problems):
    """Every SI_* token in the text of deploy/k8s (comments and inline patches too) is a declared name."""
    declared = envnames.declared_names()
    for path in sorted(K8S.rglob("*.yaml")):
        relative = path.relative_to(envnames.REPO)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name in _SI_NAME.findall(line):
                if name not in declared:
                    problems.append(f"{relative}:{number}: {name} is not spelled in {envnames.CATALOGUE.name}")


def rabbitmq_config(text):
    """rabbitmq.conf `key = value` lines as a dict (comments and blank lines skipped)."""
    settings = {}
    for line in (text or "").splitlines():
        line = line.split("#", 1)[0].strip()
        if "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            settings[key] = value
    return settings


def check_rabbitmq_clusters(documents, problems):
    for where, document in documents:
        if document.get("kind") != "RabbitmqCluster":
            continue
        name = document["metadata"]["name"]
        if document.get("apiVersion") != "rabbitmq.com/v1beta1":
            problems.append(f"{where}: RabbitmqCluster {name}: apiVersion is not rabbitmq.com/v1beta1")
        spec = document.get("spec") or {}
        replicas = spec.get("replicas")
        if not isinstance(replicas, int) or replicas < 3 or replicas % 2 == 0:
            problems.append(f"{where}: RabbitmqCluster {name}: replicas {replicas!r} (want an odd number, 3 or more)")
        if not (spec.get("persistence") or {}).get("storage"):
            problems.append(f"{where}: RabbitmqCluster {name}: no persistence.storage")
        resources = spec.get("resources") or {}
        request = (resources.get("requests") or {}).get("memory")
        limit = (resources.get("limits") or {}).get("memory")
        if not request or request != limit:
            problems.append(f"{where}: RabbitmqCluster {name}: memory request {request!r} and limit {limit!r} "
                            f"should be set and equal (the operator derives the memory watermark from the limit)")
        anti = ((spec.get("affinity") or {}).get("podAntiAffinity")) or {}
        terms = list(anti.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
        terms += [t.get("podAffinityTerm") or {} for t in anti.get("preferredDuringSchedulingIgnoredDuringExecution") or []]
        own = [t for t in terms if t.get("topologyKey") == "kubernetes.io/hostname"
               and ((t.get("labelSelector") or {}).get("matchLabels") or {}).get("app.kubernetes.io/name") == name]
        if not own:
            problems.append(f"{where}: RabbitmqCluster {name}: no pod anti-affinity on kubernetes.io/hostname "
                            f"selecting app.kubernetes.io/name: {name}")
        settings = rabbitmq_config((spec.get("rabbitmq") or {}).get("additionalConfig"))
        if settings.get("cluster_partition_handling") != "pause_minority":
            problems.append(f"{where}: RabbitmqCluster {name}: additionalConfig lacks cluster_partition_handling = pause_minority")
        if settings.get("queue_leader_locator", "balanced") not in ("client-local", "balanced"):
            problems.append(f"{where}: RabbitmqCluster {name}: queue_leader_locator must be client-local or balanced")
        print(f"rabbitmq: RabbitmqCluster {name}: {replicas} replicas, "
              f"{', '.join(f'{k} = {v}' for k, v in sorted(settings.items()))}")


_REFERENCE = re.compile(r"(?<!\$)\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")


def check_references(documents, problems, label):
    """$(NAME) in env values must name an envFrom key or an env entry listed before it."""
    config_keys = {}
    for _, document in documents:
        if document.get("kind") in ("ConfigMap", "Secret"):
            data = {**(document.get("data") or {}), **(document.get("stringData") or {})}
            config_keys[(document["kind"], document["metadata"]["name"])] = set(data)
    for _, document in documents:
        if document.get("kind") not in ("Deployment", "Job"):
            continue
        for container in document["spec"]["template"]["spec"]["containers"]:
            defined = set()
            for source in container.get("envFrom") or []:
                for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
                    if key in source:
                        defined |= config_keys.get((kind, source[key]["name"]), set())
            for entry in container.get("env") or []:
                for reference in _REFERENCE.findall(str(entry.get("value", ""))):
                    if reference not in defined:
                        problems.append(f"{label}: {document['metadata']['name']}/{container['name']}: {entry['name']} "
                                        f"uses $({reference}), which is not defined before it")
                defined.add(entry["name"])


def env_value(container, name):
    for entry in container.get("env") or []:
        if entry["name"] == name:
            return entry
    return None


def check_cluster_wiring(documents, problems, label):
    """Where a build holds a RabbitmqCluster, the daemons use it: quorum queues and every pod in SI_AMQP_URL."""
    clusters = [d for _, d in documents if d.get("kind") == "RabbitmqCluster"]
    if not clusters:
        return
    if len(clusters) > 1:
        problems.append(f"{label}: more than one RabbitmqCluster; the SI_AMQP_URL check takes the first")
    cluster = clusters[0]
    name = cluster["metadata"]["name"]
    replicas = (cluster.get("spec") or {}).get("replicas") or 1
    expected_hosts = [f"{name}-server-{index}.{name}-nodes" for index in range(replicas)]
    secret = f"{name}-default-user"
    configs = {d["metadata"]["name"]: d.get("data") or {} for _, d in documents if d.get("kind") == "ConfigMap"}
    for _, document in documents:
        if document.get("kind") != "Deployment":
            continue
        for container in document["spec"]["template"]["spec"]["containers"]:
            argv = list(container.get("command") or []) + list(container.get("args") or [])
            if not argv or argv[0] not in envnames.STAGE_DAEMONS:
                continue
            where = f"{label}: {document['metadata']['name']}"
            queue_type = None
            for source in container.get("envFrom") or []:
                if "configMapRef" in source:
                    queue_type = configs.get(source["configMapRef"]["name"], {}).get("SI_AMQP_QUEUE_TYPE", queue_type)
            entry = env_value(container, "SI_AMQP_QUEUE_TYPE")
            if entry is not None:
                queue_type = entry.get("value")
            if queue_type != "quorum":
                problems.append(f"{where}: SI_AMQP_QUEUE_TYPE is {queue_type!r}, not quorum, beside RabbitmqCluster {name}")
            entry = env_value(container, "SI_AMQP_URL")
            if entry is None or "value" not in entry:
                problems.append(f"{where}: SI_AMQP_URL is not assembled in the manifest (want the {replicas} pods of {name})")
                continue
            hosts, credentials = [], set()
            for url in entry["value"].split(","):
                match = re.fullmatch(r"amqps?://([^:@/]+):([^@/]+)@([^:/]+)(?::(\d+))?/\S*", url)
                if match is None:
                    problems.append(f"{where}: SI_AMQP_URL item {url!r} is not amqp://user:password@host:port/vhost")
                    continue
                host = match.group(3)
                hosts.append(next((h for h in expected_hosts if host == h or host.startswith(h + ".")), host))
                credentials.update(match.group(1, 2))
            for part in sorted(credentials):
                reference = _REFERENCE.fullmatch(part)
                source = env_value(container, reference.group(1)) if reference else None
                key_ref = ((source or {}).get("valueFrom") or {}).get("secretKeyRef") or {}
                if key_ref.get("name") != secret or key_ref.get("key") not in ("username", "password"):
                    problems.append(f"{where}: SI_AMQP_URL credential {part!r} does not come from Secret {secret} "
                                    f"(keys username, password)")
            if sorted(hosts) != sorted(expected_hosts):
                problems.append(f"{where}: SI_AMQP_URL hosts {hosts} are not the pods {expected_hosts}, each once")
    print(f"{label}: stage daemons use RabbitmqCluster {name}: quorum queues, SI_AMQP_URL over {', '.join(expected_hosts)}")


def kustomize_command():
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    return None


def check_builds(problems):
    command = kustomize_command()
    if command is None:
        print("kustomize: neither kubectl nor kustomize on PATH; builds not checked")
        return
    for kustomization in sorted(K8S.rglob("kustomization.yaml")):
        directory = kustomization.parent.relative_to(envnames.REPO)
        label = f"kustomize {directory}"
        result = subprocess.run(command + [str(kustomization.parent)], capture_output=True, text=True)
        if result.returncode != 0:
            problems.append(f"{label}: {result.stderr.strip()}")
            continue
        built = [(f"{directory} (built)", d) for d in yaml.safe_load_all(result.stdout) if d]
        print(f"kustomize: {' '.join(command)} {directory}: {len(built)} resources")
        check_environment(built, problems, verbose=False)
        check_references(built, problems, label)
        check_cluster_wiring(built, problems, label)


def main():
    problems = []
    documents = load_documents(problems)
    check_environment(documents, problems)
    check_keda(documents, problems)
    check_spelling(problems)
    check_rabbitmq_clusters(documents, problems)
    check_builds(problems)
    for note in envnames.all_notes():
        print(f"note: {note}")
    for problem in problems:
        print(f"error: {problem}")
    print("deploy/k8s: OK" if not problems else f"deploy/k8s: {len(problems)} problem(s)")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
