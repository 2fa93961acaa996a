"""Trained suggestions: a line classifier learnt from the corpus's finished annotations.

* :mod:`annotator.train.features`: one row of numbers per non-blank line of a document;
* :mod:`annotator.train.model`: fitting, saving (LightGBM's own text format and a JSON model
  card, never pickle) and the safe loader;
* :mod:`annotator.train.data`: the training rows of a corpus (features and targets);
* :mod:`annotator.train.curve`: the learning curve with folds grouped by site.

LightGBM is the optional extra ``train``; only the fitting and the loading import it.
"""

from __future__ import annotations

from annotator.train.features import FEATURES, FEATURES_VERSION, SiteLines, document_features
from annotator.train.model import CARD_FILE, MODEL_FILE, LineModel, ModelError

__all__ = [
    "CARD_FILE",
    "FEATURES",
    "FEATURES_VERSION",
    "MODEL_FILE",
    "LineModel",
    "ModelError",
    "SiteLines",
    "document_features",
]
