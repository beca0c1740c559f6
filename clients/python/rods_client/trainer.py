"""Runs and the trainer seam with RODS driving the rollouts (standard library only).

* ``RodsClient``: every route of /api/v1 not about environments: runs (create, list, get, pause, resume, cancel),
  tasks in full, the OpenAPI document, and the trainer routes: ``next_batch`` (long poll) and ``ack_batch``.
  It extends ``EnvClient``, so one client covers all of /api/v1.
* ``run_external_trainer``: the loop of an external trainer: pull the oldest unacknowledged batch, train on it,
  save your state, acknowledge with the new policy version; safe to kill and restart (a step is never trained twice
  as long as ``train`` returns only after your checkpoint is saved; the loop keeps its own record in ``state_path``).
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Dict, List, Optional

from .envs import EnvClient, RodsApiError

Batch = Dict[str, Any]
ENDED = ("completed", "cancelled", "failed")


class RodsClient(EnvClient):
    """HTTP client for all of /api/v1 (``Authorization: Bearer <API key>``); errors raise ``RodsApiError``."""

    # ---- runs (scopes runs:read / runs:write) ----

    def create_run(self, config: Dict[str, Any], name: Optional[str] = None) -> Dict[str, Any]:
        body: Dict[str, Any] = {"config": config}
        if name is not None:
            body["name"] = name
        return self.request("POST", "/runs", body)[1]

    def list_runs(self, limit: int = 100) -> List[Dict[str, Any]]:
        return self.request("GET", f"/runs?limit={int(limit)}")[1]["runs"]

    def get_run(self, run_id: str) -> Dict[str, Any]:
        return self.request("GET", f"/runs/{urllib.parse.quote(run_id)}")[1]

    def pause_run(self, run_id: str, reason: Optional[str] = None) -> Dict[str, Any]:
        return self.request("POST", f"/runs/{urllib.parse.quote(run_id)}/pause", {} if reason is None else {"reason": reason})[1]

    def resume_run(self, run_id: str) -> Dict[str, Any]:
        return self.request("POST", f"/runs/{urllib.parse.quote(run_id)}/resume", {})[1]

    def cancel_run(self, run_id: str, reason: Optional[str] = None) -> Dict[str, Any]:
        return self.request("POST", f"/runs/{urllib.parse.quote(run_id)}/cancel", {} if reason is None else {"reason": reason})[1]

    # ---- tasks (scope tasks:read) ----

    def list_tasks(self, dataset: Optional[str] = None, split: Optional[str] = None, limit: int = 100, cursor: Optional[str] = None) -> Dict[str, Any]:
        query = {k: v for k, v in {"dataset": dataset, "split": split, "limit": str(limit), "cursor": cursor}.items() if v is not None}
        return self.request("GET", f"/tasks?{urllib.parse.urlencode(query)}")[1]

    def get_task(self, task_id: str) -> Dict[str, Any]:
        return self.request("GET", f"/tasks/{urllib.parse.quote(task_id)}")[1]

    def export_run(self, run_id: str, fmt: str, out_path: str, chunk_bytes: int = 1 << 20) -> int:
        """Streams ``GET /runs/{id}/export?format=…`` to ``out_path`` (bfcl arrives as a .tar); returns bytes written.

        Formats: bfcl, verl-parquet, trl-jsonl, trajectories, metrics-csv (scope runs:read).
        """
        url = f"{self.base_url}/api/v1/runs/{urllib.parse.quote(run_id, safe='')}/export?format={urllib.parse.quote(fmt)}"
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {self.api_key}"})
        written = 0
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as res, open(out_path, "wb") as out:
                while True:
                    chunk = res.read(chunk_bytes)
                    if not chunk:
                        break
                    out.write(chunk)
                    written += len(chunk)
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            try:
                payload = json.loads(text)["error"]
            except (ValueError, KeyError, TypeError):
                payload = {"code": "HTTP_ERROR", "message": text[:500]}
            raise RodsApiError(error.code, payload.get("code", "HTTP_ERROR"), payload.get("message", ""), payload.get("details")) from None
        return written

    def openapi(self) -> Dict[str, Any]:
        return self.request("GET", "/openapi.json")[1]

    # ---- the trainer seam (scope trainer) ----

    def next_batch(self, run_id: str, wait_seconds: float = 20) -> Optional[Batch]:
        """The oldest published, unacknowledged batch, or None when none is ready within wait_seconds (≤ 60)."""
        status, body = self.request("GET", f"/runs/{urllib.parse.quote(run_id)}/batches/next?waitSeconds={wait_seconds:g}")
        return None if status == 204 else body

    def ack_batch(self, run_id: str, step: int, policy_version: int, metrics: Optional[Dict[str, float]] = None) -> Dict[str, Any]:
        """Acknowledge a trained batch; idempotent. RodsApiError 409 for a step never published or a stale version."""
        body: Dict[str, Any] = {"policyVersion": int(policy_version)}
        if metrics:
            body["metrics"] = {k: float(v) for k, v in metrics.items()}
        return self.request("POST", f"/runs/{urllib.parse.quote(run_id)}/batches/{int(step)}/ack", body)[1]


def _read_state(path: str) -> Dict[str, Any]:
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    return {"version": None, "trained": {}}


def _write_state(path: str, state: Dict[str, Any]) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(state, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)  # atomic: a crash leaves the old state or the new one


def run_external_trainer(
    client: RodsClient,
    run_id: str,
    train: Callable[[Batch, int], Optional[Dict[str, float]]],
    state_path: str,
    wait_seconds: float = 20,
    max_steps: Optional[int] = None,
    log: Callable[[Dict[str, Any]], None] = lambda line: print(json.dumps(line), flush=True),
) -> Dict[str, Any]:
    """Trains a run with ``trainer: "external"`` until it ends (or ``max_steps`` steps were trained here).

    ``train(batch, new_version)`` trains on the batch, loads the new weights into your inference server and returns
    metrics (loss, kl, gradNorm, lr, …) or None. The loop records each trained step with its version in
    ``state_path`` before acknowledging, so after a crash a batch already trained is acknowledged again, not retrained.
    """
    state = _read_state(state_path)
    if state["version"] is None:
        state["version"] = int(client.get_run(run_id)["policyVersion"])
        _write_state(state_path, state)
    trained_here = 0
    while True:
        batch = client.next_batch(run_id, wait_seconds)
        if batch is None:
            if client.get_run(run_id)["status"] in ENDED:
                break
            continue
        step = int(batch["step"])
        done = state["trained"].get(str(step))
        if done is not None:
            client.ack_batch(run_id, step, done["version"], done.get("metrics"))
            log({"reacked": step, "version": done["version"]})
            continue
        version = int(state["version"]) + 1
        metrics = train(batch, version) or {}
        state["version"] = version
        state["trained"][str(step)] = {"version": version, "metrics": metrics}
        _write_state(state_path, state)
        client.ack_batch(run_id, step, version, metrics)
        log({"trained": step, "version": version, **metrics})
        trained_here += 1
        if max_steps is not None and trained_here >= max_steps:
            break
    return {"trained": sorted(int(s) for s in state["trained"]), "version": state["version"]}
