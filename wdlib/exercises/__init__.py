"""Self-checking exercises: one module a lesson (``lesson02``, ...), built on ``_core``.

A checker calls the learner's function on random inputs, compares it with the reference and
prints ``✓ …`` or a specific hint (wrong shape, wrong sign, off by a factor of 2, biases decayed,
not implemented yet). It returns True/False so a solutions notebook can assert it.
"""
