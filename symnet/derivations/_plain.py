"""Plain text from the LaTeX prose of a derivation (the ``--text`` output of ``symnet derive``).

A step's justification is written once, as LaTeX text with inline math (``$\\lambda^{2}$``);
:func:`plain` reads it back as plain text in the ASCII math of MATH.md (``lam^2``,
``sigma^(k)``, ``!=``, ``->``), so ``str(derivation)`` contains no LaTeX. It covers the notation
the derivations use (Greek letters, relations, ``\\sum``, ``\\frac``, ``\\sqrt``, font commands,
super- and subscripts, the escapes of :func:`symnet.derivations._latex.text`); an unknown
command loses its backslash rather than leaking LaTeX.
"""

from __future__ import annotations

import re

__all__ = ["plain"]

#: control sequences -> plain text (math and text mode alike)
_WORDS = {
    "lambda": "lam", "sigma": "sigma", "mu": "mu", "beta": "beta", "alpha": "alpha", "delta": "delta",
    "gamma": "gamma", "theta": "theta", "varepsilon": "eps", "epsilon": "eps", "pi": "pi", "Sigma": "Sigma",
    "neq": " != ", "ne": " != ", "leq": " <= ", "le": " <= ", "geq": " >= ", "ge": " >= ", "to": " -> ",
    "rightarrow": " -> ", "leftarrow": " <- ", "Rightarrow": " => ", "approx": " ~ ", "in": " in ",
    "pm": "+-", "cdot": "*", "times": " x ", "infty": "oo", "dots": "...", "ldots": "...", "cdots": "...",
    "sum": "sum", "prod": "prod", "backslash": "\\", "surd": "sqrt", "quad": " ", "qquad": " ",
    "left": "", "right": "", "bigl": "", "bigr": "", "Bigl": "", "Bigr": "", "big": "", "Big": "",
    "displaystyle": "", "noindent": "", "par": "\n",
}
#: control symbols (a backslash and one non-letter)
_SYMBOLS = {",": " ", ";": " ", ":": " ", "!": "", " ": " ", "{": "{", "}": "}", "_": "_", "%": "%", "&": "&",
            "#": "#", "$": "$", "\\": "\n"}
#: commands whose argument is kept as it is
_WRAPPERS = {"mathbf", "mathrm", "mathit", "mathcal", "boldsymbol", "operatorname", "text", "textrm", "textbf",
             "textit", "emph", "mbox"}
#: accents written by :func:`symnet.derivations._latex.text`
_ACCENTS = {("'", "e"): "é", ("'", "a"): "á", ("'", "o"): "ó", ("'", "u"): "ú", ("'", "i"): "í",
            ("~", "a"): "ã", ("~", "o"): "õ", ("^", "e"): "ê", ("^", "a"): "â", ("^", "o"): "ô", ("c", "c"): "ç"}


def plain(latex: str) -> str:
    """``latex`` (text with inline ``$...$`` math) as plain text with ASCII math.

    Examples
    --------
    >>> from symnet.derivations._plain import plain
    >>> plain(r"order $\\lambda^{2}$; $\\sigma^{(k)}/k!$ for $k \\in \\{1, 2\\}$")
    'order lam^2; sigma^(k)/k! for k in {1, 2}'
    >>> plain(r"weights $O(\\lambda^{-2})$, $\\mathbf{x} = (x_{1}, x_{2})$, $\\frac{1}{4}$, 100\\%")
    'weights O(lam^(-2)), x = (x_1, x_2), (1)/(4), 100%'
    >>> plain(r"softplus log(1+e\\^{}x), as $\\lambda \\to 0$")
    'softplus log(1+e^x), as lam -> 0'
    """
    return _Reader(str(latex)).run()


class _Reader:
    """A small recursive reader: groups ``{...}``, commands, ``^``/``_`` scripts, ``$`` toggles."""

    def __init__(self, source: str):
        self.s, self.i = source, 0

    def run(self) -> str:
        out, math = [], []
        in_math = False
        while self.i < len(self.s):
            if self.s[self.i] == "$":
                self.i += 1
                if in_math:
                    out.append(_tidy("".join(math)))
                    math = []
                in_math = not in_math
                continue
            (math if in_math else out).append(self._token())
        out.append(_tidy("".join(math)))
        return "".join(out)

    def _token(self) -> str:
        c = self.s[self.i]
        self.i += 1
        if c == "\\":
            return self._command()
        if c == "{":
            return self._group_rest()
        if c in "^_" and self.i < len(self.s):
            body = self._argument()
            return c + (body if re.fullmatch(r"[A-Za-z0-9]+|\([^()]*\)|'+", body) else f"({body})")
        if c == "}":
            return ""
        if c == "~":
            return " "
        return c

    def _group_rest(self) -> str:
        parts = []
        while self.i < len(self.s) and self.s[self.i] != "}":
            if self.s[self.i] == "$":  # math inside a text group: read on
                self.i += 1
                continue
            parts.append(self._token())
        self.i += 1
        return "".join(parts)

    def _argument(self) -> str:
        """One argument: a group, a command or one character."""
        while self.i < len(self.s) and self.s[self.i] == " ":
            self.i += 1
        if self.i >= len(self.s):
            return ""
        return self._token()

    def _command(self) -> str:
        m = re.compile(r"[A-Za-z]+").match(self.s, self.i)
        if m is None:
            if self.i >= len(self.s):
                return ""
            c = self.s[self.i]
            self.i += 1
            if c in "'~^c" and self.i < len(self.s):
                return self._accent(c)
            return _SYMBOLS.get(c, c)
        name = m.group(0)
        self.i = m.end()
        if name == "c" and self.i < len(self.s):
            return self._accent("c")
        if name in _WRAPPERS:
            return self._argument()
        if name == "frac":
            num, den = self._argument(), self._argument()
            return f"({num})/({den})"
        if name == "sqrt":
            return f"sqrt({self._argument()})"
        return _WORDS.get(name, name)

    def _accent(self, accent: str) -> str:
        body = self._argument()
        if body == "" and accent in "~^":  # \~{} and \^{}: the character itself
            return accent
        return _ACCENTS.get((accent, body), body)


def _tidy(math: str) -> str:
    """Math as read: runs of spaces made single, no space just inside brackets."""
    math = re.sub(r"[ \t]+", " ", math)
    return re.sub(r"([({\[]) | ([)}\]])", lambda m: m.group(1) or m.group(2), math).strip()
