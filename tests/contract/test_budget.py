"""``wanspec record`` never spends more than ``--max-cost``: the price is that of the exact
request sent (after every rewrite), times ``numberResults``; unknown prices refuse.

Each case runs the real command against a loopback server that charges what the pricing
data says, and counts what the server was sent and what it charged: the charge never
exceeds the budget, and a refused run sends nothing at all.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import DOC_EXAMPLES, FLASH_TASK

from wanspec.contract import Behaviour, LoopbackServer, RunwareClient, estimate_cost
from wanspec.contract._cassette import cassette_document, interaction, serialize
from wanspec.contract._record import Budget, BudgetExceeded
from wanspec.contract.clients import PollPolicy

KEY = "budget-key-4f2a9c7e1b3d5f6a8c0e"
SCHEMA = "runware/alibaba:wan@2.6-flash"
V1_UUID = str(uuid.uuid1())
TASK_5S = {**FLASH_TASK, "duration": 5}  # 0.25 USD at 720p with audio
SINGLE = estimate_cost({**TASK_5S, "taskUUID": str(uuid.uuid4())}).amount or 0.0
# a valid request for a model without pricing data (Wan2.6 Image)
IMAGE_EXAMPLE = DOC_EXAMPLES / "requests" / "runware-alibaba-models--09-wan2-6-image-text-to-image.json"
UNPRICED = json.loads(IMAGE_EXAMPLE.read_text(encoding="utf-8"))


def _scenario(root: Path, name: str, task: dict[str, Any], *, expect: str = "accepted", **meta: Any) -> None:
    """A cassette whose first submission is ``task`` exactly (answered as ``expect``)."""
    meta.setdefault("schema", SCHEMA if task.get("model") == FLASH_TASK["model"] else None)
    answer = {"data": [{"taskType": "videoInference", "taskUUID": str(task.get("taskUUID", ""))}]}
    status = 200
    if expect == "rejected":
        status, answer = 400, {"errors": [{"code": "invalidTaskUUID", "message": "taskUUID must be a UUID v4"}]}
    doc = cassette_document(
        [interaction("POST", "https://api.runware.ai/v1", [task], status, answer)],
        {"provider": "runware", "scenario": name, "expect": expect, **{k: v for k, v in meta.items() if v}},
    )
    path = root / "runware" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(serialize(doc), encoding="utf-8")


def _charging() -> Behaviour:
    return Behaviour(cost=lambda task: estimate_cost(task).amount or 0.0)


def _run(run_cli, root: Path, out: Path, max_cost: str, *extra: str):
    with LoopbackServer("runware", api_key=KEY, behaviour=_charging()) as srv:
        args = ["record", "--provider", "runware", "--from", str(root), "--out", str(out), "--max-cost", max_cost]
        args += ["--base-url", srv.base_url, "--poll-interval", "0.001", *extra]
        run = run_cli(*args, env={"RUNWARE_API_KEY": KEY})
        submits = [r for r in srv.requests if isinstance(r.body, list) and r.body[0].get("taskType") != "getResponse"]
        charged = sum(b.body["data"][0].get("cost") or 0 for b in srv.responses if _is_result(b.body))
        return run, submits, charged


def _is_result(body: Any) -> bool:
    return isinstance(body, dict) and bool(body.get("data")) and "videoUUID" in body["data"][0]


# (name, task as recorded, --max-cost, extra args, refused?, submissions expected)
CASES = [
    ("v1-uuid-under-zero-budget", {**TASK_5S, "taskUUID": V1_UUID}, "0", (), True, 0),
    ("no-uuid-under-zero-budget", {k: v for k, v in TASK_5S.items() if k != "taskUUID"}, "0", (), True, 0),
    ("v1-uuid-within-budget", {**TASK_5S, "taskUUID": V1_UUID}, f"{SINGLE}", (), False, 1),
    ("four-results-over-three-singles", {**TASK_5S, "numberResults": 4}, f"{3 * SINGLE}", (), True, 0),
    ("four-results-within-budget", {**TASK_5S, "numberResults": 4}, f"{4 * SINGLE}", (), False, 1),
    ("really-rejected-is-free", {**TASK_5S, "duration": 99}, "0", (), False, 1),
    ("unpriced-model-refused", UNPRICED, "100", (), True, 0),
    ("unpriced-model-allowed", UNPRICED, "100", ("--allow-unpriced",), False, 1),
]


@pytest.mark.parametrize(("name", "task", "budget", "extra", "refused", "sent"), CASES, ids=[c[0] for c in CASES])
def test_what_is_sent_is_what_is_priced(run_cli, tmp_path, name, task, budget, extra, refused, sent):
    root = tmp_path / "scenarios"
    _scenario(root, name, task, expect="rejected" if "uuid" in name and "v1" in name else "accepted")
    run, submits, charged = _run(run_cli, root, tmp_path / "out", budget, *extra)
    assert (run.exit_code == 2) == refused, run
    assert len(submits) == sent, submits
    assert charged <= float(budget) + 1e-9  # never a cent over the budget
    if refused:
        assert not (tmp_path / "out").exists()
        assert "exceeds --max-cost" in run.stderr or "cannot price" in run.stderr, run
    for s in submits:  # what was sent carries a fresh version-4 taskUUID
        assert uuid.UUID(s.body[0]["taskUUID"]).version == 4


def test_number_of_results_multiplies_the_price():
    one = estimate_cost({**TASK_5S, "taskUUID": str(uuid.uuid4())})
    four = estimate_cost({**TASK_5S, "taskUUID": str(uuid.uuid4()), "numberResults": 4})
    assert four.amount == pytest.approx(4 * (one.amount or 0)) and "× 4 (numberResults)" in four.basis


def test_dry_run_prints_each_price_and_exits_0_even_over_budget(run_cli, tmp_path):
    root = tmp_path / "scenarios"
    _scenario(root, "paid", {**TASK_5S, "numberResults": 2})
    _scenario(root, "unpriced", UNPRICED)
    run, submits, _ = _run(run_cli, root, tmp_path / "out", "0", "--dry-run")
    assert run.exit_code == 0, run
    assert f"runware/paid.yaml      {2 * SINGLE:9.4f} USD" in run.stdout
    assert "runware/unpriced.yaml     unknown" in run.stdout
    assert "dry run: nothing sent; a real run would refuse: cannot price" in run.stdout
    assert submits == [] and not (tmp_path / "out").exists()


def test_the_send_time_guard_stops_a_request_the_plan_did_not_see(tmp_path):
    # through the public client: a body dearer than what is left of the budget never leaves
    budget = Budget(max_cost=SINGLE * 1.5)
    with LoopbackServer("runware", api_key=KEY) as srv:
        guard = budget.guard("runware", None)
        policy = PollPolicy(initial=0.001)
        with RunwareClient(KEY, base_url=srv.base_url, policy=policy, on_send=guard) as client:
            client.run(TASK_5S)
            with pytest.raises(BudgetExceeded, match="refusing to send a request priced"):
                client.submit({**TASK_5S, "taskUUID": str(uuid.uuid4())})
            with pytest.raises(BudgetExceeded, match="cannot be priced"):
                client.submit(UNPRICED)
        submits = [r for r in srv.requests if r.body[0].get("taskType") == "videoInference"]
    assert len(submits) == 1 and budget.spent == pytest.approx(SINGLE) and budget.submissions == 1
