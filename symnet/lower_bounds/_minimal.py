"""Certified minimal widths: the smallest network, and a certificate that one neuron fewer is impossible.

:func:`minimal_width` combines the upper side (an explicit network, from the theorems'
constructions or a budgeted search, verified by expansion) with the lower side:

- the catalecticant rank (any model, any activation; :mod:`._catalecticant`),
- the theorem, when its hypotheses hold (LTR App. A, RT Thm II.1; a proof, not a computation),
- a Groebner basis {1} at width ``upper - 1`` (all weights at once; small sizes only). With hidden
  biases, exp, sigmoid, tanh and softplus have their derivatives written as polynomials in one
  quantity u(b_j) with u' = F(u) != 0 (:mod:`._derivative_polynomials`), so the system is exact
  for that activation; other non-polynomial activations use the generic relaxation,
- a vanishing derivative (no width at all).

A width is ``"certified"`` when a computed certificate (catalecticant or Groebner) rules out
``width - 1``; ``"theorem"`` when only the theorem does; ``"unknown"`` otherwise, with the
certified lower bound and the best explicit network found (an honest "unknown beyond this
size", never a guess); ``"impossible"`` when no width works. One neuron fewer being impossible
implies every smaller width is (pad with neurons of output weight 0).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from symnet import _show as show
from symnet._validation import positive_int
from symnet.activations import Activation
from symnet.constructions import Hypothesis
from symnet.errors import CertificateError, HypothesisError, InvalidInput
from symnet.lower_bounds._catalecticant import catalecticant_bound
from symnet.lower_bounds._certificates import (
    CatalecticantCertificate,
    Certificate,
    GroebnerCertificate,
    TheoremCertificate,
    VanishingCertificate,
    WitnessCertificate,
)
from symnet.lower_bounds._conditions import (
    SEED_DROPPED,
    Target,
    TheoremWidth,
    _activation,
    as_target,
    check_model,
    is_polynomial_activation,
    lowest_degree,
    seed_hypotheses,
    theorem_width,
    vanishing_contradiction,
)
from symnet.lower_bounds._derivative_polynomials import derivative_polynomials
from symnet.lower_bounds._groebner import GroebnerAttempt, check_time_limit, groebner_attempt
from symnet.lower_bounds._witnesses import construction_witness, search_witness

__all__ = ["STATUSES", "MinimalWidth", "minimal_width"]

STATUSES = {
    "certified": "the width is attained by an explicit network, and a computed certificate rules out one fewer",
    "theorem": "attained by an explicit network; one fewer is ruled out by the theorem (hypotheses checked)",
    "unknown": "not decided at this size: see lower (certified) and upper (explicit network)",
    "impossible": "no network of any width meets the conditions",
}


def _attempt_note(attempt: GroebnerAttempt, width: int, time_limit: float | None, limit: int) -> str:
    if attempt.status == "not-unit":
        return (f"width {width}: the Groebner basis is not {{1}}, so complex solutions exist; whether real weights "
                "exist is not decided")
    if attempt.status == "timeout":
        return f"width {width}: the Groebner computation did not finish in {time_limit} s"
    return (f"width {width}: {attempt.unknowns} unknowns, beyond the Groebner limit of {limit} "
            "(raise groebner_unknowns to try)")


def lower_bound_of(cert: Certificate) -> int | None:
    """The width below which a lower-bound certificate rules everything out (None: no width works)."""
    if isinstance(cert, GroebnerCertificate):
        return cert.width + 1
    if isinstance(cert, CatalecticantCertificate):
        return cert.rank
    if isinstance(cert, TheoremCertificate):
        return cert.theorem.width
    if isinstance(cert, VanishingCertificate):
        return None
    raise InvalidInput(f"{type(cert).__name__} is not a lower-bound certificate")


@dataclass(frozen=True, eq=False)
class MinimalWidth(show.Shows):
    """The minimal width of a single-hidden-layer network matching a target, with certificates.

    Attributes
    ----------
    target : Target
    model : str
    activation : Activation
    status : str
        One of :data:`STATUSES`.
    lower : int or None
        Every width below ``lower`` is impossible (certified or by the theorem); None if
        ``status == "impossible"``.
    upper : int or None
        The width of the best explicit network found (None if none).
    witness : WitnessCertificate or None
        The explicit network (``.network``) with its expansion check.
    lower_certificates : tuple of Certificate
        Catalecticant, theorem, Groebner or vanishing certificates.
    attempts : tuple of GroebnerAttempt
        The Groebner computations tried (including undecided ones).
    hypotheses : tuple of Hypothesis
        The bias-free theorem's hypotheses evaluated in this setting (the seed's claim).
    theorem : TheoremWidth or None
        The theorem for this model, when its hypotheses hold.
    notes : tuple of str

    Examples
    --------
    >>> from symnet.lower_bounds import minimal_width
    >>> r = minimal_width(2, model="output-bias", activation="exp")
    >>> print(str(r).splitlines()[0])
    minimal width of x_1*x_2 (output-bias, exp): 3 [certified]
    >>> print(r.latex().splitlines()[1])
    \\text{minimal width of $x_{1} x_{2}$ (output-bias, exp): 3 [certified]} \\\\
    """

    target: Target
    model: str
    activation: Activation
    status: str
    lower: int | None
    upper: int | None
    witness: WitnessCertificate | None
    lower_certificates: tuple[Certificate, ...]
    attempts: tuple[GroebnerAttempt, ...]
    hypotheses: tuple[Hypothesis, ...]
    theorem: TheoremWidth | None
    notes: tuple[str, ...] = ()

    @property
    def width(self) -> int | None:
        """The minimal width when decided (``"certified"`` or ``"theorem"``), else None."""
        return self.upper if self.status in ("certified", "theorem") else None

    @property
    def network(self) -> Any:
        """The explicit network of width ``upper`` (None if none was found)."""
        return self.witness.network if self.witness else None

    @property
    def certificate(self) -> Certificate | None:
        """The certificate that ``width - 1`` (or every width) is impossible, computed ones first."""
        if self.status == "impossible":
            return self.lower_certificates[0]
        if self.lower is None or self.lower < 2:
            return None
        order = (GroebnerCertificate, CatalecticantCertificate, TheoremCertificate)
        best = [c for c in self.lower_certificates if lower_bound_of(c) == self.lower]
        best.sort(key=lambda c: next(i for i, t in enumerate(order) if isinstance(c, t)))
        return best[0] if best else None

    @property
    def certificates(self) -> tuple[Certificate, ...]:
        """Every certificate: the witness first, then the lower-bound ones."""
        return ((self.witness,) if self.witness else ()) + self.lower_certificates

    @property
    def failed_hypotheses(self) -> tuple[Hypothesis, ...]:
        """The bias-free theorem's hypotheses that fail here."""
        return tuple(h for h in self.hypotheses if h.holds is False)

    @property
    def dropped_hypothesis(self) -> str | None:
        """:data:`SEED_DROPPED` when the degree-0 (k = 0) condition is missing here, else None.

        It is missing with an output bias, and when sigma(0) = 0 (the degree-0 row then reads
        0 = p(0) and constrains nothing).
        """
        for h in self.failed_hypotheses:
            if h.statement.startswith("the degree-0 condition") or h.statement == "sigma^(0)(0) != 0":
                return SEED_DROPPED
        return None

    def check(self) -> bool:
        """Re-check every certificate, and that they support the reported status."""
        for cert in self.certificates:
            cert.check()
        if self.witness is not None and self.witness.width != self.upper:
            raise CertificateError(f"the witness has width {self.witness.width}, the result says {self.upper}")
        bounds = [lower_bound_of(c) for c in self.lower_certificates]
        if self.status == "impossible":
            if None not in bounds:
                raise CertificateError("status 'impossible' without a certificate for every width")
            return True
        computed = max((b for b, c in zip(bounds, self.lower_certificates, strict=True)
                        if b is not None and not isinstance(c, TheoremCertificate)), default=1)
        every = max((b for b in bounds if b is not None), default=1)
        if self.lower != max(every, 1):
            raise CertificateError(f"the certificates give lower bound {every}, the result says {self.lower}")
        if self.status == "certified" and not (self.upper is not None and computed >= self.upper):
            raise CertificateError("status 'certified' but no computed certificate reaches the width")
        if self.status == "theorem" and not (self.upper is not None and every >= self.upper):
            raise CertificateError("status 'theorem' but the theorem does not reach the width")
        return True

    def __str__(self) -> str:
        head = f"minimal width of {self.target} ({self.model}, {self.activation.name}): "
        if self.status == "impossible":
            body = "no width works"
        elif self.width is not None:
            body = f"{self.width} [{self.status}]"
        else:
            body = f"unknown: {self.lower} <= width <= {self.upper if self.upper is not None else '?'}"
        lines = [head + body]
        if self.failed_hypotheses:
            lines.append("  hypotheses of the bias-free theorem that fail: "
                         + "; ".join(h.statement for h in self.failed_hypotheses))
        lines += [f"  {c}" for c in self.certificates]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def latex(self) -> str:
        """The result, the certificates (claim, then method) and the notes: a math-mode LaTeX fragment."""
        target = {str(self.target): self.target.latex()}
        head, *_ = str(self).split("\n")
        rows = [show.phrase(head, target)]
        if self.failed_hypotheses:
            rows.append(show.text("hypotheses of the bias-free theorem that fail: "
                                  + "; ".join(h.statement for h in self.failed_hypotheses)))
        for c in self.certificates:
            rows.append(f"\\bullet\\ {show.phrase(c.claim, target)}")
            rows.append(f"\\quad {show.text(f'[{c.method}]')}")
        rows += [show.text(f"note: {n}") for n in self.notes]
        return show.lines(rows)


def minimal_width(target: Any, model: str = "bias-free", activation: Activation | str | None = None, *,
                  groebner_unknowns: int = 10, time_limit: float | None = 60.0, search_budget: int = 5000,
                  progress: Callable[[str], None] | None = None) -> MinimalWidth:
    """The minimal width of a single-hidden-layer network matching ``target`` through its degree.

    Parameters
    ----------
    target : int, exponents, sympy polynomial or Target
        ``2`` is x_1 x_2; ``(2, 1)`` is x_1^2 x_2 (see :func:`as_target`).
    model : str
        ``"bias-free"``, ``"output-bias"`` or ``"biased"`` (``MATH.md`` section 3).
    activation : Activation, name or None
        None is the generic activation (results hold for every activation satisfying the
        recorded hypotheses).
    groebner_unknowns : int
        Largest Groebner system attempted (n = 2, width 3 has 9 unknowns; x_1^2 x_2 needs 15).
    time_limit : float or None
        Seconds for each Groebner attempt (run in a child process), a positive finite number;
        None: no limit.
    search_budget : int
        Neuron sets tried per width by the search for explicit networks.
    progress : callable, optional
        Called with a message at each stage (e.g. ``print``).

    Examples
    --------
    >>> from symnet.lower_bounds import minimal_width
    >>> r = minimal_width(2)                         # bias-free, generic activation
    >>> r.width, r.status, r.certificate.method.split(" (")[0]
    (4, 'certified', 'Groebner basis = {1}')
    >>> r = minimal_width(2, model="output-bias")
    >>> r.width, r.dropped_hypothesis is not None
    (3, True)
    >>> minimal_width(2, activation="square").width  # the hypotheses fail
    2
    >>> minimal_width(3).status                      # 28 unknowns: the theorem decides
    'theorem'

    With hidden biases the width depends on the activation (``MATH.md`` section 3): cos' has a
    zero, sigmoid' has none.

    >>> [minimal_width(2, model="biased", activation=a).width for a in ("cos", "sigmoid")]
    [2, 3]
    """
    tgt = as_target(target)
    model = check_model(model)
    act = _activation(activation)
    groebner_unknowns = positive_int(groebner_unknowns, "minimal_width: groebner_unknowns")
    search_budget = positive_int(search_budget, "minimal_width: search_budget")
    time_limit = check_time_limit(time_limit, "minimal_width")
    say = progress or (lambda _msg: None)
    hyps = seed_hypotheses(tgt, model, act)
    notes: list[str] = []
    if act.is_generic and model != "biased":
        scales = [act.derivative(sum(alpha)) for alpha, _ in tgt.terms if sum(alpha) >= lowest_degree(model)]
        if len(set(scales)) > 1:
            degrees = sorted({sum(alpha) for alpha, _ in tgt.terms})
            raise InvalidInput(
                f"minimal_width: the target {tgt} mixes degrees {degrees}, whose generic derivatives sigma^(k)(0) "
                "are independent, so the width can depend on the activation; pass a concrete activation "
                "(e.g. activation='exp')"
            )

    if model != "biased":
        bad = vanishing_contradiction(tgt, model, act)
        if bad is not None:
            cert = VanishingCertificate(tgt, model, act, bad)
            k = sum(bad)
            notes.append(f"sigma^({k})(0) = 0 for {act.name}, but the target has degree-{k} terms")
            return MinimalWidth(tgt, model, act, "impossible", None, None, None, (cert,), (), hyps, None,
                                tuple(notes))

    lower_certs: list[Certificate] = []
    cat = catalecticant_bound(tgt)
    if cat is not None:
        lower_certs.append(cat)
    theorem = None
    try:
        theorem = theorem_width(tgt, model, act)
        lower_certs.append(TheoremCertificate(theorem, act))
    except HypothesisError as err:
        notes.append(f"the width theorem does not apply: {err.hypothesis} fails")
    lower = max([lower_bound_of(c) for c in lower_certs] + [1])
    say(f"lower bound {lower} ({', '.join(type(c).__name__ for c in lower_certs)})")

    witness = construction_witness(tgt, model, act)
    if witness is not None:
        say(f"construction: width {witness.width}")
    ceiling = witness.width if witness else lower + 4
    for m in range(lower, ceiling):
        say(f"searching width {m}")
        found = search_witness(tgt, m, model, act, budget=search_budget, progress=say)
        if found is not None:
            witness = found
            break
    upper = witness.width if witness else None
    if upper is not None and upper < lower:  # pragma: no cover - would be a mathematical contradiction
        raise CertificateError(f"an explicit network of width {upper} contradicts the lower bound {lower}")

    attempts: list[GroebnerAttempt] = []
    computed = max([lower_bound_of(c) for c in lower_certs if not isinstance(c, TheoremCertificate)] + [1])
    if upper is not None and computed < upper and upper >= 2:
        exact = derivative_polynomials(act) if model == "biased" else None
        relax = model == "biased" and not act.is_generic and not is_polynomial_activation(act) and exact is None
        if exact is not None:
            notes.append(f"the Groebner attempt writes sigma^(k)(b_j) as polynomials in {exact.describe('b_j')} "
                         f"(u' = {exact.field}), with {exact.field} != 0 for every real bias (a Rabinowitsch "
                         f"unknown per neuron): exact for {act.name}")
        if relax:
            notes.append(f"the Groebner attempt uses the generic relaxation (the derivatives sigma^(k)(b_j) as free "
                         f"unknowns): {act.name} is not a polynomial, and the relaxation is valid for every activation")
        try:
            attempt = groebner_attempt(tgt, upper - 1, model, None if relax else act, time_limit=time_limit,
                                       max_unknowns=groebner_unknowns, progress=say)
        except InvalidInput as err:  # e.g. a generic activation and a target mixing degrees
            attempt = None
            notes.append(f"width {upper - 1}: no Groebner attempt ({err})")
        if attempt is not None:
            attempts.append(attempt)
            if attempt.certificate is not None:
                lower_certs.append(attempt.certificate)
                computed = upper
            else:
                notes.append(_attempt_note(attempt, upper - 1, time_limit, groebner_unknowns))
    lower = max([lower_bound_of(c) for c in lower_certs] + [1])
    if upper is None:
        status = "unknown"
        notes.append("no explicit network found (construction not applicable, search budget exhausted)")
    elif computed >= upper:
        status = "certified"
    elif lower >= upper:
        status = "theorem"
    else:
        status = "unknown"
    return MinimalWidth(tgt, model, act, status, lower, upper, witness, tuple(lower_certs), tuple(attempts), hyps,
                        theorem, tuple(notes))
