"""Inter-annotator agreement: span F1, character kappa, Krippendorff's alpha and alpha_u.

The measures live in :mod:`.metrics`, :mod:`.alpha` and :mod:`.unitizing` (pure
functions over numpy arrays, tested against published worked examples);
:mod:`.compute` applies them to a corpus and :mod:`.report` prints or draws the result.
"""

from annotator.agreement.compute import AgreementError, compute_agreement, default_annotators

__all__ = ["AgreementError", "compute_agreement", "default_annotators"]
