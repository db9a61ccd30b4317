"""A FastAPI service that takes Runware Wan2.6 tasks, checked by wanspec's typed model.

    pip install wanspec fastapi uvicorn
    uvicorn app:app

The request body is ``RunwareWan26Request``: its published JSON Schema (``/openapi.json``)
is the wire payload's shape (``taskUUID``, ``positivePrompt``…, with the documented limits),
a payload that breaks a documented rule is refused with 422 and one error per field whose
message starts with the wanspec code (``WS500 duration is 12; allowed: 5, 10, 15 …``), and
the echoed task is the wire form: only the fields that were sent, under the provider's names.
"""

from __future__ import annotations

from fastapi import FastAPI

from wanspec.models import RunwareWan26Request

app = FastAPI(title="Wan2.6 task intake")


@app.post("/tasks", response_model=RunwareWan26Request)
def submit(task: RunwareWan26Request) -> RunwareWan26Request:
    """Accept one task; a real service would forward ``[task.to_payload()]`` to Runware."""
    return task
