"""How long `wanspec server` takes from a change to its diagnostics, on a 2,000-line payload.

A minimal LSP client (standard library only: Content-Length framing over the server's
pipes) starts `wanspec server`, opens a generated payload file of about 2,000 lines (an
array of Wan2.6 Flash tasks, one in four with mistakes), then sends incremental changes
(one letter typed into a task's prompt, as an editor sends a keystroke), and times each change from the moment its notification is
written to the moment the `publishDiagnostics` for that version is read. Run with the
debounce at 0 (the lint and the protocol alone) and at the default 25 ms (what an editor
sees while typing stops):

    python benchmarks/server_latency.py                 # both, 40 changes each
    python benchmarks/server_latency.py --changes 100 --debounce-ms 0

Not a test: nothing is asserted; the figures go to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

TASK = {
    "taskType": "videoInference",
    "taskUUID": "9b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e",
    "model": "alibaba:wan@2.6-flash",
    "positivePrompt": "A fox trots through fresh snow at dawn",
    "width": 1280,
    "height": 720,
    "duration": 5,
    "inputs": {"frameImages": [{"image": "https://assets.example.com/fox.jpg"}]},
    "providerSettings": {"alibaba": {"audio": False}},
}


def payload(lines: int) -> str:
    tasks = []
    n = 0
    while True:
        task = dict(TASK, seed=n)
        if n % 4 == 1:  # mistakes in one task of four: a string width, a bad size, a misspelt key
            task.update(width="1920", height=1920, durtion=5)
        tasks.append(task)
        n += 1
        text = json.dumps(tasks, indent=2) + "\n"
        if text.count("\n") >= lines:
            return text


class Client:
    def __init__(self, command: list[str]) -> None:
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.next_id = 0
        self.lock = threading.Condition()
        self.diagnostics: dict[int, tuple[float, int]] = {}  # version -> (arrival, count)
        self.responses: dict[int, Any] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _send(self, message: dict[str, Any]) -> float:
        body = json.dumps(message).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return time.perf_counter()

    def notify(self, method: str, params: Any) -> float:
        return self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        ident = self.next_id
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        with self.lock:
            self.lock.wait_for(lambda: ident in self.responses, timeout=30)
            return self.responses.pop(ident)

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line.strip() == b"":
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(stream.read(length))
            arrived = time.perf_counter()
            with self.lock:
                if message.get("method") == "textDocument/publishDiagnostics":
                    params = message["params"]
                    self.diagnostics[params.get("version") or 0] = (arrived, len(params["diagnostics"]))
                elif "id" in message and "method" not in message:
                    self.responses[message["id"]] = message.get("result")
                self.lock.notify_all()

    def wait_diagnostics(self, version: int) -> tuple[float, int]:
        with self.lock:
            if not self.lock.wait_for(lambda: version in self.diagnostics, timeout=30):
                raise TimeoutError(f"no diagnostics for version {version}")
            return self.diagnostics[version]

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.proc.wait(timeout=10)


def run(command: list[str], lines: int, changes: int, debounce_ms: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        text = payload(lines)
        path.write_text(text, encoding="utf-8")
        uri = path.as_uri()
        client = Client([*command, "server", "--isolated", "--debounce-ms", str(debounce_ms)])
        client.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {}})
        client.notify("initialized", {})
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}},
        )
        _, findings = client.wait_diagnostics(1)
        times = []
        prompts = [n for n, line in enumerate(text.split("\n")) if '"positivePrompt"' in line]
        column = text.split("\n")[prompts[0]].index(": ") + 3  # just inside the prompt's opening quote
        for i in range(changes):
            version = i + 2
            # what an editor sends for one keystroke: an incremental change, here one letter in a prompt
            at = {"line": prompts[(i * 7) % len(prompts)], "character": column}
            change = {"range": {"start": at, "end": at}, "text": "x"}
            sent = client.notify(
                "textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}
            )
            arrived, findings = client.wait_diagnostics(version)
            times.append((arrived - sent) * 1000)
            time.sleep(0.02)
        client.close()
    times.sort()
    return {
        "lines": text.count("\n"),
        "findings": findings,
        "debounce_ms": debounce_ms,
        "changes": changes,
        "median_ms": statistics.median(times),
        "p90_ms": times[int(len(times) * 0.9) - 1],
        "max_ms": times[-1],
        "min_ms": times[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wanspec", default=f"{sys.executable} -m wanspec", help="the wanspec command")
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--debounce-ms", type=int, action="append", help="default: 0 and 25")
    args = parser.parse_args()
    for debounce in args.debounce_ms or [0, 25]:
        r = run(args.wanspec.split(), args.lines, args.changes, debounce)
        print(
            f"{r['lines']} lines, {r['findings']} findings, debounce {r['debounce_ms']} ms: change -> diagnostics "
            f"median {r['median_ms']:.1f} ms, p90 {r['p90_ms']:.1f} ms, max {r['max_ms']:.1f} ms "
            f"(min {r['min_ms']:.1f}; {r['changes']} changes)"
        )


if __name__ == "__main__":
    main()
