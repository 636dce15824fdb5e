"""stancelib: sentence-level stance toward deploying Western troops to Ukraine.

>>> import stancelib
>>> stancelib.predict(["Nothing can be ruled out, including sending troops, he said."])
['FAVOR']

The estimators (``StanceFeaturizer``, ``StanceClassifier``) and ``data`` import
scikit-learn and Hugging Face ``datasets``; they are loaded on first use, so that
``import stancelib`` and labelling text with the shipped model stay fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .api import label_text, load_model, predict, predict_proba
from .labels import LABELS
from .model import StanceModel
from .persistence import ModelFileError, ModelVersionWarning, save_model
from .segment import Sentence, split_sentences

if TYPE_CHECKING:
    from . import data
    from .classifier import StanceClassifier
    from .features import StanceFeaturizer

__version__ = "0.1.0"

__all__ = [
    "LABELS",
    "ModelFileError",
    "ModelVersionWarning",
    "Sentence",
    "StanceClassifier",
    "StanceFeaturizer",
    "StanceModel",
    "__version__",
    "data",
    "label_text",
    "load_model",
    "predict",
    "predict_proba",
    "save_model",
    "split_sentences",
]

_LAZY = {
    "StanceClassifier": ".classifier",
    "StanceFeaturizer": ".features",
    "data": ".data",
}
#: Submodules that ``stancelib.<name>`` imports on first use, as the README writes them.
_SUBMODULES = ("data", "evaluate", "agreement", "progress", "train")


def __getattr__(name: str):
    if name in _LAZY or name in _SUBMODULES:
        module = importlib.import_module(_LAZY.get(name, f".{name}"), __name__)
        value = module if name in _SUBMODULES else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
