"""The naming convention of wdlib's parameter dicts, in the building-block layer so that both
``penalties`` (a bare parameter dict) and ``models`` (which re-exports it as
``models.is_weight``) use the one rule."""

from __future__ import annotations


def is_weight(key: str) -> bool:
    """Whether the parameter named ``key`` (a str) is a weight matrix, by the naming convention
    of every wdlib model: weight matrices are named ``W...``
    (``W1``, ``Wx``, ``Wh``, ...); biases and gains are not. Penalties without explicit keys
    use it on a bare parameter dict; a ``Model`` states its ``weight_keys`` outright."""
    return key.startswith("W")
