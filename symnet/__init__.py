"""symnet: the theory of what neural networks can express, checked by a computer.

Subpackages: ``activations``, ``network``, ``constructions``, ``series``, ``lower_bounds``,
``numeric``, ``derivations``, ``strategies``, ``errors``. See ``README.md`` and ``docs/``.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
