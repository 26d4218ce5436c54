"""The module names of projsim 0.1, kept working with a deprecation warning.

projsim 0.2 arranged its modules in layers (``engine``, ``demography``,
``model``, ``io``, ``assumptions``, ``stochastic``, ``analysis``). Importing
an old module name, such as ``projsim.kernel``, gives a stand-in module
whose attributes are looked up in the new modules, with a
:class:`DeprecationWarning` naming the new place.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import types
import warnings

#: Old module name -> the new modules its names now live in, searched in order.
MOVED: dict[str, tuple[str, ...]] = {
    "kernel": ("projsim.engine",),
    "fused": ("projsim.engine.compiled.fused",),
    "noise": ("projsim.engine.noise",),
    "lifetable": ("projsim.demography.lifetable",),
    "mortality": ("projsim.demography.mortality", "projsim.io.packaged",
                  "projsim.demography.lee_carter"),
    "schedules": ("projsim.demography.schedules",),
    "base": ("projsim.io.bases", "projsim.model.base"),
    "scenario": ("projsim.io.scenarios", "projsim.model.scenario"),
    "indicators": ("projsim.analysis.indicators",),
    "decomposition": ("projsim.analysis.decomposition",),
    "ensemble": ("projsim.stochastic",),
}


class _Moved(types.ModuleType):
    """A stand-in for an old module: attributes come from the new modules."""

    def __init__(self, name: str, targets: tuple[str, ...]) -> None:
        super().__init__(name)
        self._targets = targets

    def __getattr__(self, attribute: str):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        for target in self._targets:
            module = importlib.import_module(target)
            if hasattr(module, attribute):
                warnings.warn(f"{self.__name__}.{attribute} is deprecated; use "
                              f"{target}.{attribute}", DeprecationWarning, stacklevel=2)
                return getattr(module, attribute)
        raise AttributeError(f"module {self.__name__!r} has no attribute {attribute!r}")


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the old module names of :data:`MOVED` and makes their stand-ins."""

    def find_spec(self, fullname, path=None, target=None):
        prefix, _, name = fullname.partition(".")
        if prefix == "projsim" and name in MOVED:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        return _Moved(spec.name, MOVED[spec.name.partition(".")[2]])

    def exec_module(self, module):
        return None


def install() -> None:
    """Put the finder of old module names on :data:`sys.meta_path`, once."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.append(_Finder())
