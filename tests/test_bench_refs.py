"""The benches reach into the package's private functions (bench/rule_ablation.py memoises and
traces them by name): a function moved or renamed must not leave a bench that no longer runs.
Fast: the names are read from the bench's source and looked up, nothing is run."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_function_the_ablation_bench_patches_exists() -> None:
    source = (ROOT / "bench" / "rule_ablation.py").read_text(encoding="utf-8")
    modules = {}
    for package, names in re.findall(r"from (summarizer(?:\.\w+)*) import \(?([^)\n]+)", source):
        for name in (n.strip() for n in names.split(",")):
            if name and name.isidentifier():
                modules[name] = f"{package}.{name}"
    refs = re.findall(r"_(?:memo|traced)\((\w+)\.(\w+)", source)
    assert refs, "the bench patches no function any more: update this test"
    for module, attr in refs:
        if module in ("ssl", "functools"):  # the standard library's
            continue
        assert module in modules, f"bench/rule_ablation.py patches {module}.{attr}, imported from nowhere"
        found = importlib.import_module(modules[module])
        assert hasattr(found, attr), f"bench/rule_ablation.py patches {modules[module]}.{attr}, which is gone"


def test_the_ablation_bench_s_stand_in_client_takes_every_argument_of_the_real_one() -> None:
    """bench/rule_ablation.py answers from a book instead of the model client: a keyword the
    client gains (`compact`, brief-v11) must reach the stand-in, or the bench stops running."""
    import ast
    import inspect

    from summarizer.models import ModelClient

    tree = ast.parse((ROOT / "bench" / "rule_ablation.py").read_text(encoding="utf-8"))
    stand_in = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "_Answers")
    extract = next(n for n in stand_in.body if isinstance(n, ast.FunctionDef) and n.name == "extract")
    theirs = {a.arg for a in [*extract.args.args, *extract.args.kwonlyargs]}
    ours = set(inspect.signature(ModelClient.extract).parameters)
    assert ours <= theirs, f"the bench's stand-in lacks {sorted(ours - theirs)}"


def test_the_ablation_bench_finds_an_anchored_rule_inside_a_sentence() -> None:
    """A pattern matched at a position (the words right after a figure, `^...`; the words right
    before a name, `...$`) fires inside sentences: the bench re-runs the articles where it may
    fire, not only those with a sentence that starts or ends with it (it once reported
    `figures.no_noun` as no help on validation, where it moves three figures)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("rule_ablation", ROOT / "bench" / "rule_ablation.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["rule_ablation"] = bench
    spec.loader.exec_module(bench)
    after = bench._in_text(re.compile(r"^\s*(?:have|has)\b"))
    before = bench._in_text(re.compile(r"\bin\s+the\s+$"))
    assert after.search("Officials said dozens have died.") and before.search("Shells fell in the town.")
