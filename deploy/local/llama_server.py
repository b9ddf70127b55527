"""llama.cpp's HTTP server (through the xllamacpp wheel) for a local GGUF model; started by deploy/local/llm.sh.

    python llama_server.py --model FILE [--alias NAME] [--port P] [--ctx N] [--parallel N] [--threads N]

Serves the OpenAI-compatible /v1/completions, /v1/chat/completions and /v1/models (plus /metrics) on
127.0.0.1, prints `listening URL` on stdout once the server is up, and runs until SIGTERM or SIGINT.
Port 0 (the default) takes a free port. The model id in /v1/models and in every answer is NAME (default: the
file's path); llama.cpp serves its one model whatever `model` a request names.
"""

import argparse
import os
import signal
import sys


def main():
    parser = argparse.ArgumentParser(description="llama.cpp server for a local GGUF model")
    parser.add_argument("--model", required=True, help="path of the GGUF file")
    parser.add_argument("--alias", help="model id to report (default: the GGUF path)")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--ctx", type=int, default=8192, help="context tokens shared by all slots")
    parser.add_argument("--parallel", type=int, default=4, help="slots (requests decoded together)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads for generation and prompt batches")
    arguments = parser.parse_args()

    # Blocked before the server's threads start, so that they inherit the mask and sigwait below receives them.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})

    # The wheel's llama.cpp runs its threads with OpenMP, whose workers spin while they wait by default. On a
    # machine that is busy with other processes a spinning worker holds the core its partner needs: measured
    # here, 20 generation prompts took 62-172 s that way and 25-46 s with passive waiting (libgomp reads this
    # when the library loads, so it must be set before the import).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = arguments.model
    if arguments.alias:
        params.model_alias = {arguments.alias}
    params.n_ctx = arguments.ctx
    params.n_parallel = arguments.parallel
    params.cpuparams.n_threads = arguments.threads
    params.cpuparams_batch.n_threads = arguments.threads
    params.hostnames = ["127.0.0.1"]
    params.port = arguments.port
    params.endpoint_metrics = True

    server = xllamacpp.Server(params)
    # The constructor returns once the model is loaded and the socket listens; the address has the real port.
    print("listening", server.listening_address, flush=True)
    received = signal.sigwait({signal.SIGTERM, signal.SIGINT})
    print("stopping on signal %d" % received, file=sys.stderr, flush=True)
    del server
    return 0


if __name__ == "__main__":
    sys.exit(main())
