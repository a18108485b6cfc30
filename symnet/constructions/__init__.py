"""Constructions of expressivity theory: networks with their targets, hypotheses and sources.

Public names: :class:`Construction`, :class:`Hypothesis`, :data:`LAM`, and the construction
functions (added by the modules of this package).
"""

from symnet.constructions._base import LAM, MAX_EXPLICIT_NEURONS, Construction, Hypothesis
from symnet.constructions.binary import binary_product
from symnet.constructions.deep import deep_product
from symnet.constructions.gates import identity_gate, multiplication_gate, square_gate, three_neuron_gate
from symnet.constructions.monomial import monomial
from symnet.constructions.polynomial import polynomial
from symnet.constructions.shallow import shallow_product
from symnet.constructions.yarotsky import multiplication as yarotsky_multiplication
from symnet.constructions.yarotsky import square as yarotsky_square

__all__ = ["LAM", "MAX_EXPLICIT_NEURONS", "Construction", "Hypothesis"]
__all__ += ["binary_product", "deep_product", "monomial", "polynomial"]
__all__ += ["identity_gate", "multiplication_gate", "square_gate", "three_neuron_gate", "shallow_product"]
__all__ += ["yarotsky_multiplication", "yarotsky_square"]
