"""SKETCH, not run here (no GPU, no verl on these machines): feeding RODS's batches to verl's GRPO actor update.

Targets verl 0.4 (ray_trainer / DataProto API as documented at the time of writing); adapt to your version. RODS
drives the rollouts against your vLLM/SGLang server (the run's `policy.baseUrl`); verl is used only for the update,
so its rollout worker is replaced by `client.next_batch`. Advantages are RODS's (GRPO, group-normalised), so verl's
advantage estimator is bypassed.
"""
from typing import Any, Dict

from verl import DataProto  # noqa: F401  (sketch)

from rods_client import RodsClient, run_external_trainer


def to_dataproto(batch: Dict[str, Any], tokenizer) -> "DataProto":
    """Token ids, response mask and per-token advantages of every scored rollout (infrastructure failures skipped)."""
    rows = []
    for group in batch["groups"]:
        for r in group["rollouts"]:
            if r["infraError"] is None:
                rows.append(encode(r["messages"], group["tools"], r["advantage"], tokenizer))  # your chat-template helper
    return DataProto.from_single_dict(collate(rows))


def encode(messages, tools, advantage, tokenizer):  # pragma: no cover - depends on your template
    raise NotImplementedError


def collate(rows):  # pragma: no cover
    raise NotImplementedError


def make_train(actor_rollout_wg, tokenizer, sync_weights):
    def train(batch: Dict[str, Any], version: int) -> Dict[str, float]:
        data = to_dataproto(batch, tokenizer)
        output = actor_rollout_wg.update_actor(data)  # PPO/GRPO clipped update on the given advantages
        actor_rollout_wg.save_checkpoint(f"ckpt/v{version}")
        sync_weights(version)  # load the new weights into the inference server RODS rolls out against
        m = output.meta_info["metrics"]
        return {"loss": float(m["actor/pg_loss"]), "kl": float(m.get("actor/ppo_kl", 0.0)), "gradNorm": float(m["actor/grad_norm"])}

    return train


if __name__ == "__main__":
    client = RodsClient("http://localhost:3000", "rods_…")
    # actor_rollout_wg, tokenizer, sync_weights = build from your verl config
    # run_external_trainer(client, "<run id>", make_train(actor_rollout_wg, tokenizer, sync_weights), "verl-state.json")
