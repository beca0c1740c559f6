#!/usr/bin/env python3
"""Plays a trainer-driven RODS run with a scripted policy (no model, no GPU): the shape of a trainer that keeps
rollouts in its own process (verl's agent loop, TRL, SkyRL) and uses RODS for tasks, environments and rewards.

The scripted policy answers each user turn with the BFCL ground-truth calls read from the shipped answer files
(data/bfcl/answers), but skips a turn with a probability that shrinks as the run goes on, a stand-in for a policy
that learns. Tasks RODS synthesized are not in those files: the policy makes no calls there (reward near 0).

  python3 clients/python/examples/trainer_driven.py --url http://localhost:3000 --key rods_… --run <run id>
  python3 clients/python/examples/trainer_driven.py --url … --key … --create '{"epochs": 2, "k": 4, "batchSize": 8, "limitSeeds": 16, "evalLimit": 8}'

--create needs a key with the runs:write scope as well as trainer.
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import sys
from typing import Any, Dict, List

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from rods_client import EnvClient, run_trainer_driven  # noqa: E402


def load_answers(folder: str) -> Dict[str, List[List[str]]]:
    answers: Dict[str, List[List[str]]] = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith(".jsonl"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        entry = json.loads(line)
                        answers[entry["id"]] = entry["ground_truth"]
    return answers


def parse_call(source: str, schemas: Dict[str, List[str]]) -> Dict[str, Any]:
    """`mv(source='a', destination='b')` -> {"name", "arguments"}; positional arguments named from the tool schema."""
    node = ast.parse(source.strip(), mode="eval").body
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        raise ValueError(f"not a call: {source}")
    params = schemas.get(node.func.id, [])
    args = {params[i]: ast.literal_eval(a) for i, a in enumerate(node.args) if i < len(params)}
    args.update({k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg})
    return {"name": node.func.id, "arguments": args}


def chance(*parts: Any) -> float:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def scripted_policy(answers: Dict[str, List[List[str]]], noise: float):
    def policy(messages, tools, context):
        schemas = context.setdefault("schemas", {})
        for t in tools:
            schemas[t["function"]["name"]] = list(t["function"]["parameters"].get("properties", {}).keys())
        turn = context["turn"]
        if context.get("answered") == turn:
            return []  # one step per turn: the turn's calls, then an answer without calls
        context["answered"] = turn
        truth = answers.get(context["externalId"])
        if truth is None or turn > len(truth):
            return []
        skip = noise / (1 + context["step"] / 4) if context["kind"] == "train" else noise / 4
        if chance(context["taskId"], context["sample"], context["step"], turn) < skip:
            return []
        return [parse_call(c, schemas) for c in truth[turn - 1]]

    return policy


def main() -> int:
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", default=os.environ.get("RODS_API_KEY"), help="API key (or RODS_API_KEY)")
    parser.add_argument("--run", help="id of a run created with rollouts: \"trainer\"")
    parser.add_argument("--create", help="create a trainer-driven run with these settings (JSON) and play it")
    parser.add_argument("--answers", default=os.path.join(here, "..", "..", "..", "data", "bfcl", "answers"))
    parser.add_argument("--noise", type=float, default=0.5, help="chance of skipping a turn at the start")
    parser.add_argument("--transport", choices=["sessions", "submit", "mixed"], default="sessions",
                        help="roll out through run-bound sessions, submit the calls made, or alternate per claim")
    args = parser.parse_args()
    if not args.key:
        parser.error("give --key or set RODS_API_KEY")
    client = EnvClient(args.url, args.key)
    run_id = args.run
    if args.create:
        config = {**json.loads(args.create), "rollouts": "trainer"}
        run_id = client.request("POST", "/runs", {"name": "trainer-driven example", "config": config})[1]["id"]
        print(json.dumps({"created": run_id}), flush=True)
    if not run_id:
        parser.error("give --run or --create")

    rewards: Dict[str, List[float]] = {}
    claims = []

    def on_rollout(work, task, sample, score):
        rewards.setdefault(f"{work['kind']}:{work['step']}", []).append(score["reward"])

    def use_sessions(work):
        return args.transport == "sessions" or (args.transport == "mixed" and len(claims) % 2 == 1)

    counts = run_trainer_driven(client, run_id, scripted_policy(load_answers(args.answers), args.noise),
                                use_sessions=use_sessions, on_work=claims.append, on_rollout=on_rollout)
    summary = {
        "run": run_id,
        **counts,
        "meanReward": {k: round(sum(v) / len(v), 4) for k, v in rewards.items()},
        "claims": [f"{w['kind']}:{w['step']}" for w in claims],
    }
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
