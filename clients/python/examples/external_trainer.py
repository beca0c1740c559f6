#!/usr/bin/env python3
"""A minimal external trainer for a RODS run with ``trainer: "external"`` (RODS drives the rollouts).

The "model" here is a table of per-task preferences nudged by the batch's group-normalised advantages: it stands in
for your GRPO step (see verl_sketch.py and trl_sketch.py for real trainers). The loop is what matters: pull the
oldest unacknowledged batch, train, save, acknowledge with the new policy version; kill it and start it again with
the same --state and it continues where it stopped without training a step twice.

  python3 clients/python/examples/external_trainer.py --url http://localhost:3000 --key rods_… --run <run id>
  python3 clients/python/examples/external_trainer.py --url … --key … --create '{"mode": "static", "epochs": 1, "k": 4, "batchSize": 8, "limitSeeds": 8, "evalLimit": 8}'

The key needs the trainer scope (and runs:write for --create).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
from typing import Any, Dict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from rods_client import RodsClient, run_external_trainer  # noqa: E402


def make_train(model_path: str):
    model: Dict[str, float] = json.load(open(model_path)) if os.path.exists(model_path) else {}

    def train(batch: Dict[str, Any], version: int) -> Dict[str, float]:
        losses = []
        for group in batch["groups"]:
            for rollout in group["rollouts"]:
                if rollout["infraError"] is not None:  # flagged: no advantage, never trained on
                    continue
                advantage = rollout["advantage"]
                model[group["taskId"]] = model.get(group["taskId"], 0.0) + 0.1 * advantage
                losses.append(-advantage * math.log(1e-6 + 1 / (1 + math.exp(-model[group["taskId"]]))))
        with open(model_path + ".tmp", "w") as f:
            json.dump(model, f)
        os.replace(model_path + ".tmp", model_path)  # your checkpoint, saved before the ack
        return {"loss": sum(losses) / max(1, len(losses)), "lr": 0.1}

    return train


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--run")
    parser.add_argument("--create", help="run settings (JSON); the run is created with trainer: external")
    parser.add_argument("--state", default="external-trainer-state.json")
    parser.add_argument("--wait", type=float, default=20)
    parser.add_argument("--max-steps", type=int)
    args = parser.parse_args()
    client = RodsClient(args.url, args.key)
    run_id = args.run
    if not run_id:
        if not args.create:
            parser.error("give --run or --create")
        run_id = client.create_run({**json.loads(args.create), "trainer": "external"}, name="python external trainer")["id"]
        print(json.dumps({"created": run_id}), flush=True)
    summary = run_external_trainer(client, run_id, make_train(args.state + ".model"), args.state, wait_seconds=args.wait, max_steps=args.max_steps)
    print(json.dumps({"done": True, **summary}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
