"""Unit tests of the external-trainer loop that need no server: python3 -m unittest discover clients/python/tests
(the loop against a live app is tested by server/api/v1/python-external-trainer.int.test.ts)."""
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from rods_client import run_external_trainer  # noqa: E402


class ScriptedRods:
    """Serves batches until acknowledged, as RODS does: the oldest unacknowledged step, then None once all are."""

    def __init__(self, steps):
        self.steps = steps
        self.acked = {}
        self.acks = []

    def get_run(self, run_id):
        return {"policyVersion": 0, "status": "completed" if len(self.acked) == self.steps else "running"}

    def next_batch(self, run_id, wait_seconds):
        pending = [s for s in range(self.steps) if s not in self.acked]
        return {"step": pending[0], "groups": []} if pending else None

    def ack_batch(self, run_id, step, version, metrics=None):
        self.acks.append((step, version))
        self.acked[step] = version


class ExternalTrainerLoop(unittest.TestCase):
    def test_trains_each_step_once_across_a_crash_between_save_and_ack(self):
        rods = ScriptedRods(3)
        trained = []
        state = os.path.join(tempfile.mkdtemp(), "state.json")

        def crash_before_ack(step, version):
            raise KeyboardInterrupt  # the process dies right after saving its state

        original_ack = rods.ack_batch
        rods.ack_batch = lambda run_id, step, version, metrics=None: crash_before_ack(step, version)
        with self.assertRaises(KeyboardInterrupt):
            run_external_trainer(rods, "r", lambda batch, v: trained.append(batch["step"]) or {"loss": 1.0}, state, log=lambda line: None)
        self.assertEqual(trained, [0])
        self.assertEqual(rods.acked, {})

        rods.ack_batch = original_ack  # restarted: step 0 is acknowledged again, not retrained
        lines = []
        summary = run_external_trainer(rods, "r", lambda batch, v: trained.append(batch["step"]) or {"loss": 1.0}, state, log=lines.append)
        self.assertEqual(trained, [0, 1, 2])
        self.assertEqual(rods.acks, [(0, 1), (1, 2), (2, 3)])
        self.assertEqual(lines[0], {"reacked": 0, "version": 1})
        self.assertEqual(summary, {"trained": [0, 1, 2], "version": 3})


if __name__ == "__main__":
    unittest.main()
