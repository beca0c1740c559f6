"""rods_client: a standard-library Python client for RODS's /api/v1."""
from .envs import (  # noqa: F401
    EnvClient,
    EnvSession,
    RodsApiError,
    RunEnded,
    calls_from_messages,
    play_session,
    rods_reward,
    run_trainer_driven,
    score_calls,
    verl_compute_score,
)
from .trainer import RodsClient, run_external_trainer  # noqa: F401,E402
