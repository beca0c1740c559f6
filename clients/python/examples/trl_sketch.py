"""SKETCH, not run here (no GPU, no TRL on these machines): an external trainer for RODS built on TRL.

Targets TRL 0.19 / transformers 4.53 / vLLM 0.9 (server mode, `trl vllm-serve`), as documented at the time of
writing; adapt names to your versions. RODS drives the rollouts against the vLLM server's OpenAI endpoint; this
process only trains on RODS's batches and pushes the new weights to the server, then acknowledges.

    run = client.create_run({"trainer": "external", "maxPolicyLag": 0,
                             "policy": {"kind": "openai", "baseUrl": "http://127.0.0.1:8000/v1", "model": MODEL}})
"""
from typing import Any, Dict

import torch  # noqa: F401  (sketch)
from transformers import AutoModelForCausalLM, AutoTokenizer
from trl.extras.vllm_client import VLLMClient  # pushes weights into `trl vllm-serve`

from rods_client import RodsClient, run_external_trainer

MODEL = "Qwen/Qwen3-4B"
tokenizer = AutoTokenizer.from_pretrained(MODEL)
model = AutoModelForCausalLM.from_pretrained(MODEL, torch_dtype="bfloat16").cuda()
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-6)
vllm = VLLMClient(base_url="http://127.0.0.1:8000")


def grpo_loss(batch: Dict[str, Any]) -> torch.Tensor:
    """Sequence-mean policy-gradient loss over assistant tokens, weighted by RODS's group-normalised advantages."""
    losses = []
    for group in batch["groups"]:
        for r in group["rollouts"]:
            if r["infraError"] is not None or r["advantage"] == 0:
                continue
            ids = tokenizer.apply_chat_template(r["messages"], tools=group["tools"], return_tensors="pt").cuda()
            mask = assistant_token_mask(r["messages"], ids)  # your helper: 1 on tokens the model produced
            logp = torch.log_softmax(model(ids).logits[:, :-1], -1).gather(-1, ids[:, 1:, None]).squeeze(-1)
            losses.append(-(r["advantage"] * logp * mask[:, 1:]).sum() / mask.sum())
    return torch.stack(losses).mean()


def assistant_token_mask(messages, ids):  # pragma: no cover - left to your chat template
    raise NotImplementedError


def train(batch: Dict[str, Any], version: int) -> Dict[str, float]:
    loss = grpo_loss(batch)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    optimizer.zero_grad()
    vllm.update_model_params(model)  # the server now serves `version`
    model.save_pretrained(f"ckpt/v{version}")  # checkpoint before the ack (run_external_trainer records the step)
    return {"loss": loss.item(), "gradNorm": float(grad_norm), "lr": 1e-6}


if __name__ == "__main__":
    client = RodsClient("http://localhost:3000", "rods_…")
    run_external_trainer(client, "<run id>", train, "trl-trainer-state.json")
