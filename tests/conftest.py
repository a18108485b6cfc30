"""Shared test configuration: Hypothesis profiles chosen by SYMNET_HYPOTHESIS_PROFILE.

- ``ci`` (default): derandomized, bounded examples, no deadline (CI machines are noisy).
- ``thorough``: many examples, randomized.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "thorough",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("SYMNET_HYPOTHESIS_PROFILE", "ci"))
