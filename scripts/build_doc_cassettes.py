"""Build the first cassettes from the providers' documentation (run from the repository root).

    python scripts/build_doc_cassettes.py [OUT_DIR]   # default: cassettes/

Every cassette says in ``metadata.wanspec`` that it was composed from the documentation
(``source: documentation``), which passages it quotes, and what was filled in from the
protocol notes (acknowledgement and polling envelopes are not printed on the model pages).
Requests and result items come from ``tests/data/doc_examples`` (themselves quoted from the
doc pages, see its manifest.json); error envelopes are quoted from the public sources in
the research notes (their citations are in each scenario's ``doc``). tests/contract/
test_doc_cassettes.py rebuilds them and checks the committed files are the same.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wanspec.contract._cassette import cassette_document, interaction, serialize  # noqa: E402

EXAMPLES = ROOT / "tests" / "data" / "doc_examples"
RUNWARE = "https://api.runware.ai/v1"
WAVESPEED = "https://api.wavespeed.ai/api/v3"
TOAPIS = "https://toapis.com/v1"
AUTH = {"Authorization": "Bearer <REDACTED>", "Content-Type": "application/json"}
POLLING = (
    "acknowledgement and getResponse envelopes from research/runware-api.md §1.3-1.4 (the video API "
    "reference's Response section and the task-polling page: statuses processing | success | error)"
)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def runware_poll(task_uuid: str) -> list[dict[str, str]]:
    return [{"taskType": "getResponse", "taskUUID": task_uuid}]


def runware_doc_scenarios() -> dict[str, dict[str, Any]]:
    manifest = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))
    out = {}
    for entry in manifest:
        if entry["kind"] != "response":
            continue
        request = json.loads((EXAMPLES / entry["answers"]).read_text(encoding="utf-8"))
        result = json.loads((EXAMPLES / entry["file"]).read_text(encoding="utf-8"))
        task = request[0] if isinstance(request, list) else request
        uuid = result["taskUUID"]
        model = task["model"].split("@", 1)[1]
        name = f"runware/wan{model}-{slug(entry['title'])}.yaml"
        ack = {"data": [{"taskType": task["taskType"], "taskUUID": uuid}]}
        processing = {"data": [{"taskType": task["taskType"], "taskUUID": uuid, "status": "processing"}]}
        success = {"data": [{**result, "status": "success"}]}
        out[name] = {
            "metadata": {
                "provider": "runware",
                "scenario": name.split("/", 1)[1].removesuffix(".yaml"),
                "description": f"{entry['section']}: {entry['title']}",
                "source": "documentation",
                "doc": f"{entry['doc']} line {entry['doc_line']} (request and result); {POLLING}",
                "expect": "accepted",
                "schema": entry["schema"],
            },
            "interactions": [
                interaction("POST", RUNWARE, [task], 200, ack, request_headers=AUTH),
                interaction("POST", RUNWARE, runware_poll(uuid), 200, processing, request_headers=AUTH),
                interaction("POST", RUNWARE, runware_poll(uuid), 200, success, request_headers=AUTH),
            ],
        }
    return out


def runware_error_scenarios() -> dict[str, dict[str, Any]]:
    base = json.loads(
        (EXAMPLES / "requests" / "runware-wan2.6--04-moonlit-lantern-market-chase.json").read_text(encoding="utf-8")
    )
    uuid = "24cd5dff-cb81-4db5-8506-b72a9425f9d1"
    duration = {**base, "taskUUID": uuid, "duration": 7}
    unsupported = {
        "errors": [
            {
                "code": "unsupportedDuration",
                "message": "Invalid value for duration parameter. This duration is not supported by the model "
                "architecture.",
                "parameter": "duration",
                "type": "float",
                "documentation": "https://runware.ai/docs/en/video-inference/api-reference#request-duration",
                "taskUUID": uuid,
                "allowedValues": [5, 10, 15],
            }
        ]
    }
    key_uuid = "0b7c3f2e-4f5a-4a8e-9d1c-6e2f8a9b0c1d"
    invalid_key = {
        "errors": [
            {
                "code": "invalidApiKey",
                "message": "Invalid API key. Get one at https://my.runware.ai/signup",
                "parameter": "apiKey",
                "taskType": "authentication",
            }
        ]
    }
    return {
        "runware/wan2.6-unsupported-duration.yaml": {
            "metadata": {
                "provider": "runware",
                "scenario": "wan2.6-unsupported-duration",
                "description": "Wan2.6 asked for 7 s: rejected before any cost (durations are 5, 10 or 15)",
                "source": "documentation",
                "doc": "error envelope quoted from research/runware-api.md §2.2 (unsupportedDuration, video API "
                "reference); allowedValues set to Wan2.6's 5/10/15 (research §5.1); request: runware-wan2.6.txt "
                "example 'Moonlit Lantern Market Chase' with duration 7",
                "expect": "rejected",
                "schema": "runware/alibaba:wan@2.6",
            },
            "interactions": [interaction("POST", RUNWARE, [duration], 400, unsupported, request_headers=AUTH)],
        },
        "runware/invalid-api-key.yaml": {
            "metadata": {
                "provider": "runware",
                "scenario": "invalid-api-key",
                "description": "A key Runware does not know: 401 with the authentication error envelope",
                "credentials": "invalid",
                "source": "documentation",
                "doc": "error envelope quoted from research/runware-api.md §2.1 "
                "(https://runware.ai/docs/platform/errors.md); HTTP 401 from the same page's status list",
                "expect": "rejected",
                "schema": "runware/alibaba:wan@2.6",
            },
            "interactions": [
                interaction("POST", RUNWARE, [{**base, "taskUUID": key_uuid}], 401, invalid_key, request_headers=AUTH)
            ],
        },
    }


# The seed models: requests quoted from runware-alibaba-models.txt (tests/data/doc_examples),
# answers composed from the research notes, since the docs print no results for these requests.
SEED_MODELS = {
    "runware/alibaba:wan@2.6": "wan2.6",
    "runware/alibaba:wan@2.5-image": "wan2.5-image",
    "runware/alibaba:wan@2.5-preview": "wan2.5-preview",
    "runware/alibaba:wan@2.6-image": "wan2.6-image",
    "runware/alibaba:wan@2.6-flash": "wan2.6-flash",
    "runware/runware:200@8": "wan2.2-animate",
    "runware/runware:200@9": "wan2.2-animate-turbo",
    "runware/runware:qwen-image@2.0": "qwen-image-2.0",
    "runware/runware:qwen-image@2.0-pro": "qwen-image-2.0-pro",
}
IMAGE_RESULT = (
    'synchronous imageInference result composed from research/runware-api.md §1.5 ("same envelope as sync '
    'responses ... {"taskType":"imageInference","taskUUID","imageUUID","imageURL":"https://im.runware.ai/image/..."}) '
    "and research/live-drift.md (image results carry imageUUID, imageURL, seed; cost only with includeCost, "
    "research/runware-api.md §3)"
)
VIDEO_RESULT = (
    f"{POLLING}; the result item composed from research/runware-api.md §3 (videoUUID, videoURL in the form of §1.4's "
    'success example, seed: "If none was provided, shows the randomly generated seed"; no cost without includeCost)'
)
V1_UUID = "; taskUUID replaced by a version-4 UUID (the doc prints a version-1 one, D02)"
SIZES = "; width and height sent as numbers (the doc prints them as strings, D01)"
FRAME_KEY = "; the frame image under its documented key image (the doc writes inputImage, D12)"


def repaired(task: dict[str, Any], name: str) -> tuple[dict[str, Any], str, set[str]]:
    """The task with the docs' known slips (D01, D02, D12 in tests/data/doc_examples) repaired,
    what was repaired, and the error codes that remain."""
    from wanspec import lint_payload

    def errors(t: dict[str, Any]) -> set[str]:
        return {d.code for d in lint_payload(t) if d.severity.value == "error"}

    found, note = errors(task), ""
    if "WS201" in found:
        task, note = {**task, "taskUUID": v4(name)}, note + V1_UUID
    if "WS112" in found and all(str(task.get(k, "0")).isdigit() for k in ("width", "height")):
        task, note = {**task, **{k: int(task[k]) for k in ("width", "height") if k in task}}, note + SIZES
    frames = (task.get("inputs") or {}).get("frameImages")
    if "WS102" in found and isinstance(frames, list) and all(isinstance(f, dict) for f in frames):
        fixed = [{("image" if k == "inputImage" else k): v for k, v in f.items()} for f in frames]
        task, note = {**task, "inputs": {**task["inputs"], "frameImages": fixed}}, note + FRAME_KEY
    return task, note, errors(task)


def v4(name: str) -> str:
    """A stable version-4 UUID for a scenario (the API options require v4 task UUIDs)."""
    import hashlib
    import uuid

    return str(uuid.UUID(bytes=hashlib.sha256(name.encode()).digest()[:16], version=4))


def seed_of(task: dict[str, Any], uuid: str) -> int:
    """The request's seed, or a stable stand-in for the one the API would have drawn."""
    seed = task.get("seed")
    return seed if isinstance(seed, int) else int(uuid.replace("-", "")[:8], 16) % 2**31


def seed_model_examples() -> list[tuple[dict[str, Any], dict[str, Any], str]]:
    """(manifest entry, request task, note) for every documented request of a seed model that
    lints clean once the docs' known slips are repaired, and the Animate Turbo stand-ins."""
    manifest = json.loads((EXAMPLES / "manifest.json").read_text(encoding="utf-8"))
    answered = {entry["answers"] for entry in manifest if entry["kind"] == "response"}
    out = []
    for entry in manifest:
        if entry["kind"] != "request" or entry["schema"] not in SEED_MODELS or entry["file"] in answered:
            continue  # a request whose result the docs print is a documentation scenario already
        task = json.loads((EXAMPLES / entry["file"]).read_text(encoding="utf-8"))
        task = task[0] if isinstance(task, list) else task
        task, note, errors = repaired(task, entry["file"])
        if not errors:
            out.append((entry, task, note))
        if not errors and entry["schema"] == "runware/alibaba:wan@2.6-image" and "--09-" in entry["file"]:
            title = f"{entry['title']} async delivery"
            note = "; with deliveryMethod async (the image API's other documented value): acknowledged, then polled"
            out.append(({**entry, "title": title}, {**task, "deliveryMethod": "async", "taskUUID": v4(title)}, note))
        turbo_modes = {"--14-": ("animate", "turbo"), "--15-": ("replace", "turbo-replace")}
        mode, seed = next((m for k, m in turbo_modes.items() if k in entry["file"]), (None, ""))
        if entry["schema"] == "runware/runware:200@8" and mode and not errors:
            turbo = {
                **entry,
                "schema": "runware/runware:200@9",
                "section": "Wan2.2 Animate Turbo",
                "title": f"Wan2.2 Animate Turbo {mode} mode",
                "doc_line": 258,
            }
            note = (
                f"; the Wan2.2 Animate example at line {entry['doc_line']} with model runware:200@9: the docs print "
                "no Turbo request, and line 258 says Turbo takes the same parameters with acceleration and steps "
                "pre-configured"
            )
            out.append((turbo, {**task, "model": "runware:200@9", "taskUUID": v4(seed)}, note))
    return out


def seed_model_scenarios() -> dict[str, dict[str, Any]]:
    out = {}
    for entry, task, note in seed_model_examples():
        prefix = SEED_MODELS[entry["schema"]]
        title = slug(entry["title"]).replace(slug(entry["section"].split(" > ")[0]), "").strip("-") or "example"
        name = f"runware/{prefix}-{title}.yaml"
        uuid = task["taskUUID"]
        media = v4(name + "#result")
        request = f"{entry['doc']} line {entry['doc_line']} ({entry['title']}){note}"
        ref = {"taskType": task["taskType"], "taskUUID": uuid}
        if task["taskType"] == "imageInference":
            fmt = str(task.get("outputFormat", "JPG")).lower()
            item = {**ref, "imageUUID": media, "imageURL": f"https://im.runware.ai/image/{media}.{fmt}"}
            doc = f"request: {request}; {IMAGE_RESULT}"
        else:
            item = {**ref, "videoUUID": media, "videoURL": f"https://im.runware.ai/video/ws/0.5/vi/{media}.mp4"}
            doc = f"request: {request}; {VIDEO_RESULT}"
        item["seed"] = seed_of(task, uuid)
        if task["taskType"] == "imageInference" and task.get("deliveryMethod") != "async":
            exchanges = [interaction("POST", RUNWARE, [task], 200, {"data": [item]}, request_headers=AUTH)]
        else:
            ack = {"data": [ref]}
            processing = {"data": [{**ref, "status": "processing"}]}
            item = {**ref, "status": "success", **item}
            exchanges = [
                interaction("POST", RUNWARE, [task], 200, ack, request_headers=AUTH),
                interaction("POST", RUNWARE, runware_poll(uuid), 200, processing, request_headers=AUTH),
                interaction("POST", RUNWARE, runware_poll(uuid), 200, {"data": [item]}, request_headers=AUTH),
            ]
        out[name] = {
            "metadata": {
                "provider": "runware",
                "scenario": name.split("/", 1)[1].removesuffix(".yaml"),
                "description": f"{entry['section']}: {entry['title']}",
                "source": "research",
                "doc": doc,
                "expect": "accepted",
                "schema": entry["schema"],
            },
            "interactions": exchanges,
        }
    return out


def seed_model_rejections() -> dict[str, dict[str, Any]]:
    """One free scenario per seed model: a prompt that is not a string, refused before any cost."""
    first: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    for entry, task, _ in seed_model_examples():
        first.setdefault(entry["schema"], (entry, task))
    out = {}
    for schema, (entry, task) in first.items():
        name = f"runware/{SEED_MODELS[schema]}-prompt-not-a-string.yaml"
        uuid = v4(name)
        kind = "image-inference" if task["taskType"] == "imageInference" else "video-inference"
        error = {
            "code": "invalidPositivePrompt",
            "message": "Invalid value for positivePrompt parameter. Positive prompt must be a string value.",
            "parameter": "positivePrompt",
            "type": "string",
            "documentation": f"https://runware.ai/docs/en/{kind}/api-reference#request-positiveprompt",
            "taskUUID": uuid,
        }
        out[name] = {
            "metadata": {
                "provider": "runware",
                "scenario": name.split("/", 1)[1].removesuffix(".yaml"),
                "description": f"{entry['section']}: positivePrompt sent as a number, rejected before any cost",
                "source": "research",
                "doc": "error envelope quoted from research/runware-api.md §2.2 (invalidPositivePrompt, Runware/"
                "sdk-python issue #26), documentation link in the form of §2.2's unsupportedDuration; request: "
                f"{entry['doc']} line {entry['doc_line']} ({entry['title']}) with positivePrompt 42",
                "expect": "rejected",
                "schema": schema,
            },
            "interactions": [
                interaction(
                    "POST",
                    RUNWARE,
                    [{**task, "taskUUID": uuid, "positivePrompt": 42}],
                    400,
                    {"errors": [error]},
                    request_headers=AUTH,
                )
            ],
        }
    return out


def seed_model_failures() -> dict[str, dict[str, Any]]:
    """A job Runware accepts and then gives up on: the quoted timeoutProvider error at poll time."""
    entry, task, _ = next(e for e in seed_model_examples() if e[0]["schema"] == "runware/alibaba:wan@2.5-preview")
    name = "runware/wan2.5-preview-provider-timeout.yaml"
    uuid = v4(name)
    ref = {"taskType": task["taskType"], "taskUUID": uuid}
    timeout = {
        "errors": [
            {
                "code": "timeoutProvider",
                "status": "error",
                "message": "The external provider did not respond within the timeout window. The request was "
                "automatically terminated.",
                "documentation": "https://runware.ai/docs/en/video-inference/api-reference",
                "taskUUID": uuid,
            }
        ]
    }
    return {
        name: {
            "metadata": {
                "provider": "runware",
                "scenario": name.split("/", 1)[1].removesuffix(".yaml"),
                "description": f"{entry['section']}: the provider times out; the job fails at poll time",
                "source": "research",
                "doc": f"error envelope quoted from research/runware-api.md §1.4 (timeoutProvider, at poll time); "
                f"{POLLING}; request: {entry['doc']} line {entry['doc_line']} ({entry['title']})",
                "expect": "accepted",
                "schema": entry["schema"],
            },
            "interactions": [
                interaction("POST", RUNWARE, [{**task, "taskUUID": uuid}], 200, {"data": [ref]}, request_headers=AUTH),
                interaction(
                    "POST",
                    RUNWARE,
                    runware_poll(uuid),
                    200,
                    {"data": [{**ref, "status": "processing"}]},
                    request_headers=AUTH,
                ),
                interaction("POST", RUNWARE, runware_poll(uuid), 200, timeout, request_headers=AUTH),
            ],
        }
    }


def wavespeed_scenarios() -> dict[str, dict[str, Any]]:
    body = json.loads(
        (EXAMPLES / "requests" / "wavespeed-wan2.6-i2v-flash--01-submit-task-curl-data-raw-body.json").read_text(
            encoding="utf-8"
        )
    )
    request = {
        "image": "https://example.com/portrait.jpg",
        "prompt": "The person comes alive and smiles at the camera",
        **body,
    }
    model = "alibaba/wan-2.6/image-to-video-flash"
    pid = "a1b2c3d4e5f6478899aabbccddeeff00"
    result_url = f"{WAVESPEED}/predictions/{pid}/result"

    def prediction(status: str, **extra: Any) -> dict[str, Any]:
        data = {
            "id": pid,
            "model": model,
            "outputs": [],
            "urls": {"get": result_url},
            "has_nsfw_contents": [],
            "status": status,
            "created_at": "2026-11-01T12:34:56.789Z",
            "error": "",
            "timings": {"inference": 0},
        }
        data.update(extra)
        return {"code": 200, "message": "success", "data": data}

    doc = (
        "wavespeed-wan2.6-i2v-flash.txt › Submit Task & Query Result (request body, completed with image and prompt, "
        "both Required: Yes in the parameter table, D25) and › Response Parameters / Result Response Parameters "
        "(envelope fields and the statuses created, processing, completed, failed)"
    )
    video = "https://d1q70pf5vjeyhc.cloudfront.net/predictions/a1b2c3d4e5f6478899aabbccddeeff00/1.mp4"
    failed_doc = (
        "task-level failure quoted from research/other-providers.md §1.3 (https://wavespeed.ai/docs/error-codes: "
        '{"status":"failed","code":1402,"error":"Failed to download image from the provided URL."}) inside the '
        "documented result envelope"
    )
    return {
        "wavespeed/i2v-flash-720p-audio.yaml": {
            "metadata": {
                "provider": "wavespeed",
                "scenario": "i2v-flash-720p-audio",
                "description": "Image to video, 720p, 5 s, audio on: created → processing → completed",
                "source": "documentation",
                "doc": doc,
                "expect": "accepted",
                "schema": "wavespeed/alibaba/wan-2.6/image-to-video-flash",
            },
            "interactions": [
                interaction("POST", f"{WAVESPEED}/{model}", request, 200, prediction("created"), request_headers=AUTH),
                interaction("GET", result_url, None, 200, prediction("processing"), request_headers=AUTH),
                interaction(
                    "GET",
                    result_url,
                    None,
                    200,
                    prediction("completed", outputs=[video], has_nsfw_contents=[False], timings={"inference": 41234}),
                    request_headers=AUTH,
                ),
            ],
        },
        "wavespeed/i2v-flash-media-access-failed.yaml": {
            "metadata": {
                "provider": "wavespeed",
                "scenario": "i2v-flash-media-access-failed",
                "description": "The image URL cannot be downloaded: the task fails with code 1402",
                "source": "documentation",
                "doc": failed_doc,
                "expect": "accepted",
                "schema": "wavespeed/alibaba/wan-2.6/image-to-video-flash",
            },
            "interactions": [
                interaction("POST", f"{WAVESPEED}/{model}", request, 200, prediction("created"), request_headers=AUTH),
                interaction(
                    "GET",
                    result_url,
                    None,
                    200,
                    prediction("failed", code=1402, error="Failed to download image from the provided URL."),
                    request_headers=AUTH,
                ),
            ],
        },
    }


def toapis_scenarios() -> dict[str, dict[str, Any]]:
    request = {
        "model": "wan2.6-flash",
        "image_urls": ["https://example.com/image.jpg"],
        "prompt": "The person comes alive and smiles at the camera",
        "resolution": "720p",
        "duration": 5,
        "audio": False,
    }
    task = "video_01K2ZQ8Y4W9X7V6T5S4R3Q2P1N"
    status_url = f"{TOAPIS}/videos/generations/{task}"

    def state(status: str, progress: int, **extra: Any) -> dict[str, Any]:
        return {
            "id": task,
            "object": "generation.task",
            "model": "wan2.6-flash",
            "status": status,
            "progress": progress,
            "created_at": 1768380224,
            **extra,
        }

    doc = (
        "gateway-wan2.6-flash.txt › Request Parameters (the example values of model, image_urls, prompt; "
        "Scenario 2: Image-to-Video (silent, lower cost)) and › Response (id, object generation.task, status "
        "queued | in_progress | completed | failed); submit and status bodies from research/other-providers.md "
        "§2.2-2.3 (https://docs.toapis.com/docs/en/api-reference/tasks/video-status)"
    )
    result = {"type": "video", "data": [{"url": f"https://files.toapis.com/videos/{task}.mp4", "format": "mp4"}]}
    refused = {
        "error": {
            "code": 401,
            "message": "Authentication failed, please check your API key",
            "type": "authentication_error",
        }
    }
    submitted = interaction(
        "POST", f"{TOAPIS}/videos/generations", request, 200, state("queued", 0, metadata={}), request_headers=AUTH
    )
    return {
        "toapis/wan2.6-flash-i2v-silent.yaml": {
            "metadata": {
                "provider": "toapis",
                "scenario": "wan2.6-flash-i2v-silent",
                "description": "Image to video, 720p, 5 s, silent: queued → in_progress → completed",
                "source": "documentation",
                "doc": doc,
                "expect": "accepted",
                "schema": "toapis/wan2.6-flash",
            },
            "interactions": [
                submitted,
                interaction("GET", status_url, None, 200, state("in_progress", 40), request_headers=AUTH),
                interaction(
                    "GET",
                    status_url,
                    None,
                    200,
                    state("completed", 100, completed_at=1768380290, expires_at=1768466690, result=result),
                    request_headers=AUTH,
                ),
            ],
        },
        "toapis/wan2.6-flash-content-policy.yaml": {
            "metadata": {
                "provider": "toapis",
                "scenario": "wan2.6-flash-content-policy",
                "description": "The generation violates the content policy: the task fails (generation_failed)",
                "source": "documentation",
                "doc": "failure body quoted from research/other-providers.md §2.3 (video-status page example)",
                "expect": "accepted",
                "schema": "toapis/wan2.6-flash",
            },
            "interactions": [
                submitted,
                interaction(
                    "GET",
                    status_url,
                    None,
                    200,
                    state(
                        "failed",
                        0,
                        error={
                            "code": "generation_failed",
                            "message": "Generation failed: Content violates the content policy",
                        },
                    ),
                    request_headers=AUTH,
                ),
            ],
        },
        "toapis/invalid-api-key.yaml": {
            "metadata": {
                "provider": "toapis",
                "scenario": "invalid-api-key",
                "description": "A key ToAPIs does not know: 401 with its OpenAI-like error envelope",
                "credentials": "invalid",
                "source": "documentation",
                "doc": "error envelope quoted from research/other-providers.md §2.4 (wan2.6-flash generation page)",
                "expect": "rejected",
                "schema": "toapis/wan2.6-flash",
            },
            "interactions": [
                interaction("POST", f"{TOAPIS}/videos/generations", request, 401, refused, request_headers=AUTH)
            ],
        },
    }


def scenarios() -> dict[str, dict[str, Any]]:
    return {
        **runware_doc_scenarios(),
        **runware_error_scenarios(),
        **seed_model_scenarios(),
        **seed_model_rejections(),
        **seed_model_failures(),
        **wavespeed_scenarios(),
        **toapis_scenarios(),
    }


def render(scenario: dict[str, Any]) -> str:
    return serialize(cassette_document(scenario["interactions"], scenario["metadata"]))


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "cassettes"
    for name, scenario in sorted(scenarios().items()):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(scenario), encoding="utf-8")
        print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
