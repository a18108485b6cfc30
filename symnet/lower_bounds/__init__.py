"""Lower bounds: the rank conditions of the 2^n theorem and certified minimal widths.

``MATH.md`` sections 3-4. A bias-free single-hidden-layer network that matches x_1...x_n through
degree n needs 2^n neurons when sigma^(k)(0) != 0 for 0 <= k <= n (LTR App. A); x^r needs
prod(r_i + 1) ([RT II.1]). This package states the conditions as equations, builds the proof's
matrix, decides feasibility exactly, and returns certificates that re-check themselves.

Public names
------------
- targets and models: :func:`as_target`, :class:`Target`, :data:`MODELS`, :func:`check_model`
- the conditions: :func:`condition_system`, :func:`linear_conditions`, :func:`condition_rows`,
  :func:`monomials`
- the theorem: :func:`theorem_width`, :func:`theorem_hypotheses`, :func:`seed_hypotheses`,
  :data:`SEED_DROPPED` (the hypothesis the seed's statement drops: k = 0)
- the proof matrix: :func:`proof_matrix` (-> :class:`ProofMatrix` with ``rank()``,
  ``rank_mod(p)``, ``has_full_row_rank()``, ``certificate()``), :func:`proof_rows`, and
  :func:`check_proof` (the proof's claim on one network: conditions met => full row rank)
- certificates: :func:`feasibility` (fixed hidden weights), :func:`groebner_attempt` (all weights),
  :func:`catalecticant_bound`; certificate classes with ``.method``, ``.claim``, ``check()``
- :func:`minimal_width` -> :class:`MinimalWidth` (``.width``, ``.status``, ``.certificate``,
  ``.network``, ``.dropped_hypothesis``, ``check()``)
- hidden biases: :data:`DERIVATIVE_POLYNOMIALS` / :func:`derivative_polynomials` (exp, sigmoid,
  tanh, softplus: sigma^(k)(b) as polynomials in one quantity u(b) with u' = F(u) != 0), which make
  the ``"biased"`` Groebner systems exact for these activations

Examples
--------
>>> from symnet.lower_bounds import minimal_width, theorem_width
>>> minimal_width(2).width, minimal_width(2, model="output-bias").width
(4, 3)
>>> theorem_width(3, activation="exp").width
8
>>> minimal_width(2, model="biased", activation="cos").width, minimal_width(2, model="biased", activation="tanh").width
(2, 3)
"""

from symnet.lower_bounds._catalecticant import catalecticant_bound
from symnet.lower_bounds._certificates import (
    CatalecticantCertificate,
    Certificate,
    GroebnerCertificate,
    InfeasibleCertificate,
    RankCertificate,
    TheoremCertificate,
    VanishingCertificate,
    WitnessCertificate,
)
from symnet.lower_bounds._conditions import (
    MODELS,
    SEED_DROPPED,
    ConditionSystem,
    LinearConditions,
    Target,
    TheoremWidth,
    as_target,
    check_model,
    condition_rows,
    condition_system,
    linear_conditions,
    monomials,
    seed_hypotheses,
    theorem_hypotheses,
    theorem_width,
)
from symnet.lower_bounds._derivative_polynomials import (
    DERIVATIVE_POLYNOMIALS,
    DerivativePolynomials,
    derivative_polynomials,
)
from symnet.lower_bounds._feasibility import Undecided, feasibility
from symnet.lower_bounds._groebner import GroebnerAttempt, groebner_attempt
from symnet.lower_bounds._matrix import ProofCheck, ProofMatrix, check_proof, proof_matrix, proof_rows
from symnet.lower_bounds._minimal import STATUSES, MinimalWidth, minimal_width

__all__ = [
    "DERIVATIVE_POLYNOMIALS",
    "MODELS",
    "SEED_DROPPED",
    "STATUSES",
    "CatalecticantCertificate",
    "Certificate",
    "ConditionSystem",
    "DerivativePolynomials",
    "GroebnerAttempt",
    "GroebnerCertificate",
    "InfeasibleCertificate",
    "LinearConditions",
    "MinimalWidth",
    "ProofCheck",
    "ProofMatrix",
    "RankCertificate",
    "Target",
    "TheoremCertificate",
    "TheoremWidth",
    "Undecided",
    "VanishingCertificate",
    "WitnessCertificate",
    "as_target",
    "catalecticant_bound",
    "check_model",
    "check_proof",
    "condition_rows",
    "condition_system",
    "derivative_polynomials",
    "feasibility",
    "groebner_attempt",
    "linear_conditions",
    "minimal_width",
    "monomials",
    "proof_matrix",
    "proof_rows",
    "seed_hypotheses",
    "theorem_hypotheses",
    "theorem_width",
]
