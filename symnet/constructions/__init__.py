"""Constructions of expressivity theory: networks with their targets, hypotheses and sources.

Public names: :class:`Construction`, :class:`Hypothesis`, :data:`LAM`, and the construction
functions (added by the modules of this package).
"""

from symnet.constructions._base import LAM, MAX_EXPLICIT_NEURONS, Construction, Hypothesis
from symnet.constructions.binary import binary_product
from symnet.constructions.deep import deep_product
from symnet.constructions.gates import identity_gate, multiplication_gate, square_gate, three_neuron_gate
from symnet.constructions.monomial import deep_monomial, monomial
from symnet.constructions.polynomial import polynomial
from symnet.constructions.shallow import shallow_product
from symnet.constructions.yarotsky import multiplication as yarotsky_multiplication
from symnet.constructions.yarotsky import square as yarotsky_square

__all__ = [
    "LAM",
    "MAX_EXPLICIT_NEURONS",
    "Construction",
    "Hypothesis",
    "binary_product",
    "deep_monomial",
    "deep_product",
    "identity_gate",
    "monomial",
    "multiplication_gate",
    "polynomial",
    "shallow_product",
    "square_gate",
    "three_neuron_gate",
    "yarotsky_multiplication",
    "yarotsky_square",
]
