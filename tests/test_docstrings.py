"""Every public function, class and method of the library modules names each of its arguments in
its docstring (CONTRIBUTING.md: a docstring gives shapes and units), or in the docstring it points
to ("see the module docstring", "see the class docstring"). Not walked: the exercise checkers,
the dashboards, the classroom helpers and the private ``_checks``."""

import dataclasses
import importlib
import inspect
import re

MODULES = ("data", "init", "losses", "penalties", "optim", "schedules", "clipping", "solvers",
           "naming", "allocator", "train", "diagnostics", "loop", "layout", "plots",
           "models.base", "models.mlp", "models.norm", "models.rnn",
           "tasks.surfaces", "tasks.regression", "tasks.classification", "tasks.sparse",
           "tasks.schedule_menu", "tasks.normalized")
NOT_WALKED = ("exercises", "live", "classroom")     # checkers, dashboards, classroom helpers


def _parameters(obj) -> list[str]:
    """The argument names a caller passes (no self or cls; *args and **kwargs by their name)."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    names = [p.name for p in sig.parameters.values() if p.name not in ("self", "cls")]
    if inspect.isclass(obj) and dataclasses.is_dataclass(obj):
        names += [f.name for f in dataclasses.fields(obj) if f.name not in names]
    return names


def _documented(name: str, *docs: str | None) -> bool:
    pattern = re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])")
    return any(doc and pattern.search(doc) for doc in docs)


def _doc(obj) -> str | None:
    """The docstring a reader sees; None for the one a dataclass or NamedTuple makes up from
    its signature ("Grid(axes: dict)"), which names every field without saying what it is."""
    doc = inspect.getdoc(obj)
    if inspect.isclass(obj) and doc and doc.startswith(f"{obj.__name__}(") \
            and "\n" not in doc and doc.endswith(")"):
        return None
    return doc


def _pointed(doc: str | None, module, cls=None) -> list[str | None]:
    """The docstring and those it points to: "see the class docstring" (of the method's class
    or a base class, e.g. ``Model``'s), "see the module docstring"."""
    docs = [doc]
    if doc and cls is not None and "class docstring" in doc:
        docs += [_doc(c) for c in cls.__mro__ if c is not object]
    if doc and "module docstring" in doc:
        docs.append(module.__doc__)
    return docs


def _offenders(module) -> list[str]:
    out = []
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        where = f"{module.__name__}.{name}"
        if inspect.isfunction(obj):
            docs = _pointed(inspect.getdoc(obj), module)
            out += [f"{where}: {p}" for p in _parameters(obj) if not _documented(p, *docs)]
        elif inspect.isclass(obj):
            init = vars(obj).get("__init__")
            docs = _pointed(_doc(obj), module) + [init.__doc__ if init else None]
            out += [f"{where}: {p}" for p in _parameters(obj) if not _documented(p, *docs)]
            for attr, member in vars(obj).items():
                if attr.startswith("_") and attr != "__call__":
                    continue
                func = member.__func__ if isinstance(member, (staticmethod, classmethod)) \
                    else member
                if not inspect.isfunction(func):
                    continue
                docs = _pointed(inspect.getdoc(getattr(obj, attr)), module, obj)
                out += [f"{where}.{attr}: {p}" for p in _parameters(func)
                        if not _documented(p, *docs)]
    return out


def test_every_public_argument_is_named_in_a_docstring():
    offenders = [line for mod in MODULES
                 for line in _offenders(importlib.import_module(f"wdlib.{mod}"))]
    assert offenders == [], (f"{len(offenders)} arguments not named in their docstring "
                             "(module: argument):\n" + "\n".join(offenders))


def test_every_library_module_is_walked():
    """A module added to wdlib (or to models/ or tasks/) is walked without being listed by hand:
    MODULES holds every module but the private ones, the packages' __init__ and NOT_WALKED."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[1] / "wdlib"
    found = {p.relative_to(root).with_suffix("").as_posix().replace("/", ".")
             for p in root.rglob("*.py")}
    found = {m for m in found if not any(part.startswith("_") for part in m.split("."))
             and m.split(".")[0] not in NOT_WALKED}
    assert found == set(MODULES), (f"walk also: {sorted(found - set(MODULES))}; "
                                   f"gone: {sorted(set(MODULES) - found)}")


def test_the_check_finds_an_undocumented_argument():
    """The walk sees functions, methods and dataclass fields, follows "see the module / class
    docstring", and does not take a dataclass's made-up docstring for documentation."""
    import types

    def f(x, seed):
        """x: the input; seed: see the module docstring."""

    def g(x, y):
        """x: the input."""

    @dataclasses.dataclass
    class C:
        """a: a number; z: the methods' argument."""

        a: float
        b: float = 0.0

        def m(self, z):
            """z: see the class docstring."""

        def n(self, z):
            """Nothing."""

    @dataclasses.dataclass
    class D:
        a: float

    mod = types.ModuleType("wdlib.fake", "Module. seed: the seed.")
    for obj in (f, g, C, D):
        obj.__module__ = mod.__name__
        setattr(mod, obj.__name__, obj)
    assert _offenders(mod) == ["wdlib.fake.g: y", "wdlib.fake.C: b", "wdlib.fake.C.n: z",
                               "wdlib.fake.D: a"]
