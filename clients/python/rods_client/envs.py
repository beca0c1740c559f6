"""Environments as a service and trainer-driven runs (standard library only).

Three layers, each usable alone:

* ``EnvClient``: the HTTP routes: environment sessions (``/api/v1/env/sessions``), claiming work of a
  trainer-driven run (``/api/v1/runs/{id}/batches/claim``) and submitting rollouts (``/api/v1/runs/{id}/rollouts``).
* ``play_session``: a session-based agent loop around any policy function (your model, or a scripted one).
* ``run_trainer_driven``: a whole trainer-driven run: claim, roll out every task K times, repeat until the run ends.

Plus ``rods_reward`` / ``verl_compute_score``: reward functions a TRL or verl trainer can call (RODS's verifier).
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

Call = Dict[str, Any]  # {"name": str, "arguments": dict | str}
Message = Dict[str, Any]


class RodsApiError(Exception):
    """A 4xx/5xx answer of /api/v1: ``status``, ``code`` and the server's ``message`` (which says what to do)."""

    def __init__(self, status: int, code: str, message: str, details: Any = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details


class RunEnded(Exception):
    """The trainer-driven run has ended (completed, cancelled or failed): there is no more work."""


class EnvClient:
    """HTTP client for the environment and trainer-driven routes of /api/v1 (API key of scope ``trainer``)."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 60.0, retries: int = 4):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.retries = retries

    def request(self, method: str, path: str, body: Any = None) -> Tuple[int, Any]:
        """One request; retries connection errors, 429 and 503 with backoff. Raises RodsApiError on other 4xx/5xx."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        url = f"{self.base_url}/api/v1{path}"
        for attempt in range(self.retries + 1):
            req = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as res:
                    text = res.read().decode("utf-8")
                    return res.status, (json.loads(text) if text else None)
            except urllib.error.HTTPError as error:
                text = error.read().decode("utf-8", "replace")
                if error.code in (429, 503) and attempt < self.retries:
                    time.sleep(float(error.headers.get("Retry-After") or 0.5 * 2**attempt))
                    continue
                try:
                    payload = json.loads(text)["error"]
                except (ValueError, KeyError, TypeError):
                    payload = {"code": "HTTP_ERROR", "message": text[:500]}
                raise RodsApiError(error.code, payload.get("code", "HTTP_ERROR"), payload.get("message", ""), payload.get("details")) from None
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if attempt >= self.retries:
                    raise
                time.sleep(0.5 * 2**attempt)
        raise AssertionError("unreachable")

    # ---- environment sessions ----

    def open_session(self, task_id: str, run_id: Optional[str] = None, step: Optional[int] = None, sample: Optional[int] = None) -> "EnvSession":
        """Opens a session on a task (its id, or a BFCL id such as ``multi_turn_base_0``). With run_id, step and
        sample it rolls out that sample of a trainer-driven run and finishing it stores the rollout."""
        body: Dict[str, Any] = {"taskId": task_id}
        if run_id is not None:
            body.update({"runId": run_id, "step": step, "sample": sample})
        _, turn = self.request("POST", "/env/sessions", body)
        return EnvSession(self, turn)

    # ---- trainer-driven runs ----

    def claim(self, run_id: str) -> Optional[Dict[str, Any]]:
        """The next work ``{kind, step, epoch, k, tasks}``, or None when nothing is ready yet. Raises RunEnded."""
        try:
            status, work = self.request("POST", f"/runs/{run_id}/batches/claim")
        except RodsApiError as error:
            if error.status == 409 and "ended" in error.message:
                raise RunEnded(error.message) from None
            raise
        return None if status == 204 else work

    def submit_rollout(self, run_id: str, step: int, task_id: str, sample: int, turns: Sequence[Sequence[Call]]) -> Dict[str, Any]:
        """RODS replays the calls made in each user turn and scores them: ``{reward, success, turns, duplicate}``."""
        body = {"step": step, "taskId": task_id, "sample": sample, "turns": [list(t) for t in turns]}
        return self.request("POST", f"/runs/{run_id}/rollouts", body)[1]


@dataclass
class EnvSession:
    """One open environment session: the current turn's ``messages`` and ``tools`` (OpenAI tool schemas)."""

    client: EnvClient
    state: Dict[str, Any]
    calls_made: List[List[Call]] = field(default_factory=lambda: [[]])

    @property
    def session_id(self) -> str:
        return self.state["sessionId"]

    @property
    def turn(self) -> int:
        return self.state["turn"]

    @property
    def turns(self) -> int:
        return self.state["turns"]

    @property
    def messages(self) -> List[Message]:
        return self.state["messages"]

    @property
    def tools(self) -> List[Dict[str, Any]]:
        return self.state["tools"]

    def call(self, calls: Sequence[Call]) -> List[str]:
        """Executes calls in order; answers the environment's result strings (errors included, as a model sees them)."""
        if not calls:
            return []
        results = self.client.request("POST", f"/env/sessions/{self.session_id}/calls", {"calls": list(calls)})[1]["results"]
        self.calls_made[-1].extend(calls)
        return results

    def next_turn(self) -> Dict[str, Any]:
        self.state = self.client.request("POST", f"/env/sessions/{self.session_id}/next-turn")[1]
        self.calls_made.append([])
        return self.state

    def finish(self) -> Dict[str, Any]:
        """``{reward, success, turns: [{stateOk, execOk, reason}]}`` from RODS's verifier."""
        return self.client.request("POST", f"/env/sessions/{self.session_id}/finish")[1]


# A policy sees the conversation so far and the tools of the turn, and answers the calls of its next step; an empty
# list ends its turn (BFCL's protocol: the model answers without a call).
Policy = Callable[[List[Message], List[Dict[str, Any]], Dict[str, Any]], List[Call]]


def play_session(session: EnvSession, policy: Policy, context: Optional[Dict[str, Any]] = None, max_steps_per_turn: int = 20) -> Tuple[Dict[str, Any], List[Message]]:
    """The session-based agent loop: per user turn, ask the policy for calls until it makes none (at most
    max_steps_per_turn steps), execute them, append the results; then the next turn; finally the score.
    Answers (score, OpenAI-format messages of the whole conversation)."""
    context = dict(context or {})
    messages: List[Message] = []
    while True:
        messages.extend(session.messages)
        context["turn"] = session.turn
        for step in range(max_steps_per_turn):
            calls = policy(messages, session.tools, context)
            if not calls:
                break
            ids = [f"call_{session.turn}_{step}_{i}" for i in range(len(calls))]
            messages.append({"role": "assistant", "content": None, "tool_calls": [
                {"id": ids[i], "type": "function", "function": {"name": c["name"], "arguments": c["arguments"] if isinstance(c["arguments"], str) else json.dumps(c["arguments"])}}
                for i, c in enumerate(calls)
            ]})
            for call_id, result in zip(ids, session.call(calls)):
                messages.append({"role": "tool", "tool_call_id": call_id, "content": result})
        if session.turn >= session.turns:
            return session.finish(), messages
        session.next_turn()


def run_trainer_driven(client: EnvClient, run_id: str, policy: Policy, use_sessions: "bool | Callable[[Dict[str, Any]], bool]" = True, poll_seconds: float = 0.5,
                       on_work: Optional[Callable[[Dict[str, Any]], None]] = None,
                       on_rollout: Optional[Callable[[Dict[str, Any], Dict[str, Any], int, Dict[str, Any]], None]] = None) -> Dict[str, int]:
    """Plays a trainer-driven run to its end: claim work, roll out each task K times (skipping samples already
    stored, so a restarted trainer continues where it stopped), repeat. With use_sessions the policy acts through
    environment sessions bound to the run (play_session; finishing stores the rollout); else it plays a free session
    and submits the calls it made, which RODS replays and scores (use_sessions may also be a function of the work).
    Returns counts of the work done. A real trainer would update its model between train claims, from the rewards
    passed to on_rollout."""
    done = {"train": 0, "eval": 0, "rollouts": 0}
    while True:
        try:
            work = client.claim(run_id)
        except RunEnded:
            return done
        if work is None:
            time.sleep(poll_seconds)
            continue
        if on_work:
            on_work(work)
        through_sessions = use_sessions(work) if callable(use_sessions) else use_sessions
        for task in work["tasks"]:
            for sample in range(work["k"]):
                if sample in task["submitted"]:
                    continue
                context = {"taskId": task["taskId"], "externalId": task["externalId"], "sample": sample, "kind": work["kind"], "step": work["step"]}
                if through_sessions:
                    session = client.open_session(task["taskId"], run_id=run_id, step=work["step"], sample=sample)
                    score, _ = play_session(session, policy, context)
                else:
                    # Play against a free session to see results, then submit the calls: RODS replays them itself.
                    session = client.open_session(task["taskId"])
                    play_session(session, policy, context)
                    score = client.submit_rollout(run_id, work["step"], task["taskId"], sample, session.calls_made)
                done["rollouts"] += 1
                if on_rollout:
                    on_rollout(work, task, sample, score)
        done[work["kind"]] += 1


def calls_from_messages(messages: Sequence[Message]) -> List[List[Call]]:
    """Per user turn, the tool calls of an OpenAI-format conversation (a new turn starts at each user message)."""
    turns: List[List[Call]] = []
    for m in messages:
        if m.get("role") == "user":
            turns.append([])
        elif m.get("role") == "assistant":
            if not turns:
                turns.append([])
            for tc in m.get("tool_calls") or []:
                fn = tc.get("function", {})
                turns[-1].append({"name": fn.get("name", ""), "arguments": fn.get("arguments", "{}")})
    return turns


def rods_reward(client: EnvClient) -> Callable[..., List[float]]:
    """A reward function for TRL's GRPOTrainer (``reward_funcs=[rods_reward(client)]``): the dataset needs a
    ``task_id`` column; each completion (conversational format, the tool calls the model made) is replayed in a
    fresh environment session and scored by RODS's verifier. Targets TRL ≥ 0.19's ``reward_func(prompts,
    completions, **kwargs)`` signature; not run here (no GPU)."""

    def reward(prompts: Sequence[Any], completions: Sequence[Any], task_id: Sequence[str], **_: Any) -> List[float]:
        rewards = []
        for prompt, completion, tid in zip(prompts, completions, task_id):
            conversation = (list(prompt) if isinstance(prompt, list) else []) + (list(completion) if isinstance(completion, list) else [])
            rewards.append(score_calls(client, tid, calls_from_messages(conversation))["reward"])
        return rewards

    return reward


def score_calls(client: EnvClient, task_id: str, turns: Sequence[Sequence[Call]]) -> Dict[str, Any]:
    """Plays the calls of each turn in a fresh session and answers the verifier's score."""
    session = client.open_session(task_id)
    for t, calls in enumerate(turns[: session.turns]):
        if t > 0:
            session.next_turn()
        session.call(calls)
    return session.finish()


def verl_compute_score(client: EnvClient) -> Callable[..., float]:
    """A ``compute_score(data_source, solution_str, ground_truth, extra_info)`` for verl's custom reward function:
    extra_info must carry ``task_id`` and ``messages`` (the rollout's conversation in OpenAI format, as verl's
    multi-turn agent loop keeps it). Targets verl 0.5's reward_manager ``naive``; not run here (no GPU)."""

    def compute_score(data_source: str, solution_str: str, ground_truth: Any, extra_info: Optional[Dict[str, Any]] = None) -> float:
        info = extra_info or {}
        return float(score_calls(client, info["task_id"], calls_from_messages(info.get("messages", [])))["reward"])

    return compute_score
