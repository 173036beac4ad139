"""Resolving ``load`` specs into ready-to-run functions.

Only module paths and attribute names are used: nothing from the socket is unpickled or evaluated.
"""
from __future__ import annotations

import copy
import hashlib
import importlib
import importlib.util
import logging
import os
import re
import sys
import traceback
from types import ModuleType
from typing import Any, Dict, List, Optional, Tuple

from weir.types.datatypes import DataType
from weir.types.parser import TypeParseError, parse_type
from weir.udf import FUNC_TYPES, DelegatingScalarFunction, UserDefinedFunction
from weir.worker.errors import (
    UDF_FUNCTION_NOT_FOUND, UDF_MODULE_NOT_FOUND, UDF_NOT_A_FUNCTION, UDF_UNKNOWN_TYPE, PROTOCOL_ERROR, WorkerError,
)

log = logging.getLogger("weir.worker.loader")

# Modules loaded from files, keyed by absolute path: every client of this worker shares one module object,
# just as ``import`` would share it.
_file_modules: Dict[str, ModuleType] = {}


def split_path(path: str) -> Tuple[str, str]:
    """``file.py:attr`` / ``pkg.mod:attr`` / ``pkg.mod.attr`` -> (module part, attribute part)."""
    if not isinstance(path, str) or not path.strip():
        raise WorkerError(PROTOCOL_ERROR, f"function path must be a non-empty string, got {path!r}")
    if ":" in path:
        module, attr = path.rsplit(":", 1)
    elif "." in path and not path.endswith(".py"):
        module, attr = path.rsplit(".", 1)
    else:
        raise WorkerError(UDF_FUNCTION_NOT_FOUND, f"function path {path!r} names no attribute; use "
                                                  f"'file.py:name', 'package.module:name' or 'package.module.name'")
    if not module or not attr:
        raise WorkerError(UDF_FUNCTION_NOT_FOUND, f"function path {path!r} is missing its module or attribute")
    return module, attr


def _is_file_path(module: str) -> bool:
    return module.endswith(".py") or "/" in module or os.sep in module


def import_target(module: str, base_dir: str) -> ModuleType:
    if _is_file_path(module):
        return _import_file(module, base_dir)
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        # Distinguish "the module itself is missing" from "the module imports something missing".
        missing = exc.name or ""
        if module == missing or module.startswith(missing + "."):
            raise WorkerError(UDF_MODULE_NOT_FOUND, f"module {module!r} not found on sys.path "
                                                    f"(base dir {base_dir!r}): {exc}",
                              traceback=traceback.format_exc()) from None
        raise WorkerError(UDF_MODULE_NOT_FOUND, f"module {module!r} failed to import: {exc}",
                          traceback=traceback.format_exc()) from None
    except Exception as exc:
        raise WorkerError(UDF_MODULE_NOT_FOUND, f"module {module!r} raised while importing: "
                                                f"{type(exc).__name__}: {exc}",
                          traceback=traceback.format_exc()) from None


def _import_file(module: str, base_dir: str) -> ModuleType:
    path = os.path.abspath(os.path.join(base_dir, module))
    cached = _file_modules.get(path)
    if cached is not None:
        return cached
    if not os.path.isfile(path):
        raise WorkerError(UDF_MODULE_NOT_FOUND, f"UDF file {module!r} not found (resolved to {path!r})")
    directory = os.path.dirname(path)
    if directory not in sys.path:
        sys.path.insert(0, directory)  # so ``import helpers`` next to the UDF file works
    stem = re.sub(r"\W", "_", os.path.splitext(os.path.basename(path))[0])
    name = f"_weir_udf_{stem}_{hashlib.sha1(path.encode()).hexdigest()[:8]}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise WorkerError(UDF_MODULE_NOT_FOUND, f"cannot load {path!r} as a Python module")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod  # dataclasses/typing look the module up while it executes
    try:
        spec.loader.exec_module(mod)
    except BaseException as exc:
        sys.modules.pop(name, None)
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise WorkerError(UDF_MODULE_NOT_FOUND, f"UDF file {module!r} raised while importing: "
                                                f"{type(exc).__name__}: {exc}",
                          traceback=traceback.format_exc()) from None
    _file_modules[path] = mod
    return mod


def resolve(path: str, base_dir: str) -> Any:
    module_name, attr = split_path(path)
    module = import_target(module_name, base_dir)
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            available = sorted(n for n in dir(module) if not n.startswith("_"))[:30]
            raise WorkerError(UDF_FUNCTION_NOT_FOUND, f"{module_name!r} has no attribute {attr!r} "
                                                      f"(public names: {', '.join(available)})") from None
    return obj


def _parse(t: Any, what: str, fn: str) -> DataType:
    if isinstance(t, DataType):
        return t
    try:
        return parse_type(t if isinstance(t, str) else str(t))
    except TypeParseError as exc:
        raise WorkerError(UDF_UNKNOWN_TYPE, f"{what} of function {fn!r}: {exc}", function=fn) from None


class FunctionSpec:
    """The resolved, typed description of one function (before open())."""

    def __init__(self, instance: Any, name: str, func_type: str, input_types: Optional[List[DataType]],
                 result_type: DataType, deterministic: bool) -> None:
        self.instance = instance
        self.name = name
        self.func_type = func_type
        self.input_types = input_types
        self.result_type = result_type
        self.deterministic = deterministic


def build_spec(req: Dict[str, Any], obj: Any) -> FunctionSpec:
    """Combines the attribute found at ``path`` with the request's overrides (the request wins)."""
    name = req.get("name") or req.get("path") or "<unnamed>"
    # A Weir wrapper, or PyFlink's own wrapper: both store _func/_result_type/_input_types/_func_type.
    is_wrapper = hasattr(obj, "_func") and hasattr(obj, "_result_type")
    func = obj._func if is_wrapper else obj
    if isinstance(func, type):
        raise WorkerError(UDF_NOT_A_FUNCTION, f"{req.get('path')!r} is a class; expose an instance wrapped in "
                                              f"udf(...) instead", function=name)
    if not callable(func) and not hasattr(func, "eval"):
        raise WorkerError(UDF_NOT_A_FUNCTION, f"{req.get('path')!r} is a {type(obj).__name__}, not a function",
                          function=name)
    result = req.get("result_type") or (getattr(obj, "_result_type", None) if is_wrapper else None)
    if result is None:
        raise WorkerError(UDF_NOT_A_FUNCTION, f"{req.get('path')!r} is not a udf(...) object and the load request "
                                              f"gives no result_type; decorate it with @udf(result_type=...)",
                          function=name)
    result_type = _parse(result, "result_type", name)
    inputs = req.get("input_types")
    if inputs is None and is_wrapper:
        inputs = getattr(obj, "_input_types", None)
    input_types = None if inputs is None else [_parse(t, "input type", name) for t in inputs]
    func_type = req.get("func_type") or (getattr(obj, "_func_type", None) if is_wrapper else None) or "general"
    if func_type not in FUNC_TYPES:
        raise WorkerError(PROTOCOL_ERROR, f"func_type of {name!r} must be 'general' or 'pandas', got {func_type!r}",
                          function=name)
    deterministic = getattr(obj, "_deterministic", None) if is_wrapper else None
    instance = _instantiate(func)
    if deterministic is None:
        deterministic = instance.is_deterministic() if hasattr(instance, "is_deterministic") else True
    return FunctionSpec(instance, name, func_type, input_types, result_type, bool(deterministic))


def _instantiate(func: Any) -> Any:
    """A private instance per load: PyFlink gives every operator its own deserialized copy, so open() state of
    one client must not leak into another. Falls back to sharing when the object cannot be deep-copied."""
    if isinstance(func, UserDefinedFunction) or (hasattr(func, "eval") and hasattr(func, "open")):
        try:
            return copy.deepcopy(func)
        except Exception as exc:
            log.warning("cannot deep-copy %r (%s); clients share one instance", func, exc)
            return func
    return DelegatingScalarFunction(func)
