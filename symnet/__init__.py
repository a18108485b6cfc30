"""symnet: the theory of what neural networks can express, checked by a computer.

Modules (import them explicitly, e.g. ``from symnet import activations, series``):

- ``activations``: activation functions with exact derivatives and Taylor coefficients;
- ``network``: immutable symbolic networks with exact weights;
- ``constructions``: the constructions of the theory (gates, 2^n formula, deep product, ...);
- ``series``: exact error series in the scale lam;
- ``lower_bounds``: condition systems, the proof matrix, certificates, ``minimal_width``;
- ``numeric``: float64/mpmath evaluation, sweeps, rigorous certificates, plots;
- ``derivations``: LaTeX derivations;
- ``logic``, ``backprop``, ``bayes``, ``flattening``, ``overparam``, ``search``: the rest of the
  seed documents;
- ``markov``: Markov chains, p(x_0 | x_n) as a composition of per-step maps, sufficient statistics;
- ``strategies``: Hypothesis strategies for property tests; ``errors``: the exceptions.

See ``README.md`` and ``docs/``.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
