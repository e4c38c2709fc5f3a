"""The package's shape, checked from its source: the stages import one way, only the CLI knows click, our
own modules are imported at the top of files (so headers show the real graph), and modules and
functions stay small enough to read."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "voice_coach"
STAGES = ("routine", "compiler", "speech", "audio", "output", "live", "serve", "cli")
"""The pipeline's stages in the order data flows; the DESIGN's map."""
MAY_IMPORT: dict[str, tuple[str, ...]] = {
    "routine": (),
    "compiler": ("routine",),
    # Engines hand back the audio stage's value, Clip, and the cache stores it as WAV: the one place a
    # stage uses a later one, and only these modules of it.
    "speech": ("audio.clip", "audio.wav", "audio.dsp"),
    "audio": ("compiler",),  # a schedule says where each sound goes
    "output": ("audio", "compiler"),
    # The programme over weeks is a function of the file (its ranges and [progression]) and the history.
    "live": ("audio", "compiler", "routine.model"),
    # The faces: the server and the command line use the package (``import voice_coach as vc``) and their
    # own modules, nothing else (``FACES``).
    "serve": (),
    "cli": (),
}
"""What a stage may import of other stages (besides the shared top-level modules); ``api`` may import any."""
FACES = ("serve", "cli")
"""Stages that import nothing of voice_coach but the package face and their own modules."""
MODULE_LINES = 340
FUNCTION_LINES = 30
SHORT_FUNCTION_SHARE = 0.9


def modules() -> Iterator[tuple[str, Path]]:
    """Every module of the package as (dotted name, path)."""
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def our_imports(tree: ast.AST) -> Iterator[tuple[ast.AST, str]]:
    """Every import of one of our modules in ``tree``, with the module it names."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("voice_coach"):
            yield node, node.module
        elif isinstance(node, ast.Import):
            yield from ((node, a.name) for a in node.names if a.name.startswith("voice_coach"))


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def import_graph() -> dict[str, set[str]]:
    """Module → our modules it imports at module level (``from voice_coach.x import y`` counts ``x.y``
    when ``y`` is a module)."""
    names = {name for name, _ in modules()}
    graph: dict[str, set[str]] = {}
    for name, path in modules():
        targets = set()
        for node, module in our_imports(ast.parse(path.read_text("utf-8"))):
            targets.add(module)
            if isinstance(node, ast.ImportFrom):
                targets |= {f"{module}.{a.name}" for a in node.names if f"{module}.{a.name}" in names}
        graph[name] = {t for t in targets if t in names and t != name}
    return graph


def test_no_import_cycles_among_our_modules() -> None:
    graph = import_graph()
    graph["voice_coach"] = set()  # the package re-exports the API; everything imports through it
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                pytest.fail("import cycle: " + " -> ".join([*trail[trail.index(target) :], target]))
            if target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])


def test_stages_import_along_the_flow() -> None:
    wrong = []
    for name, path in modules():
        stage = stage_of(name)
        if stage is None:
            continue
        for _, module in our_imports(ast.parse(path.read_text("utf-8"))):
            other = stage_of(module)
            within = module.removeprefix("voice_coach.")
            allowed = any(within == a or within.startswith(f"{a}.") for a in MAY_IMPORT[stage])
            if other is not None and other != stage and not allowed:
                wrong.append(f"{name} imports {module}")
            if module == "voice_coach.api" and stage != "cli":
                wrong.append(f"{name} imports the API a stage serves")
    assert wrong == []


def test_the_faces_import_only_the_package_and_their_own_modules() -> None:
    """``cli/`` and ``serve/`` turn options and requests into library calls: whatever they need is a
    name of ``import voice_coach as vc``, so a third face gets everything they have."""
    wrong = []
    for name, path in modules():
        stage = stage_of(name)
        if stage not in FACES:
            continue
        for node, module in our_imports(ast.parse(path.read_text("utf-8"))):
            plain = isinstance(node, ast.Import) and module == "voice_coach"
            if not plain and stage_of(module) != stage:
                wrong.append(f"{name} imports {module}")
    assert wrong == []


def test_only_the_cli_imports_click() -> None:
    users = []
    for name, path in modules():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            imported = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                imported = [node.module]
            if any(i == "click" or i.startswith("click.") for i in imported) and stage_of(name) != "cli":
                users.append(name)
    assert users == []


def test_our_modules_are_imported_at_the_top_of_files() -> None:
    inside = []
    for name, path in modules():
        tree = ast.parse(path.read_text("utf-8"))
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                inside += [f"{name}.{function.name} imports {m}" for _, m in our_imports(function)]
    assert inside == []


def test_modules_and_functions_stay_small() -> None:
    long_modules = []
    lengths = []
    for name, path in modules():
        text = path.read_text("utf-8")
        if len(text.splitlines()) > MODULE_LINES:
            long_modules.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
                body = node.body[1:] if ast.get_docstring(node) else node.body
                if body:
                    lengths.append((node.end_lineno - body[0].lineno + 1, f"{name}.{node.name}"))
    assert long_modules == []
    short = sum(1 for length, _ in lengths if length <= FUNCTION_LINES)
    longest = sorted(lengths, reverse=True)[:5]
    assert short / len(lengths) >= SHORT_FUNCTION_SHARE, longest


def test_the_command_line_starts_without_the_heavy_libraries() -> None:
    """``voice-coach --help`` and ``list`` answer in a fraction of a second because loading the CLI loads
    no numpy, engine, ffmpeg binding or web stack: they are imported where the work needs them."""
    heavy = ("numpy", "scipy", "onnxruntime", "hibari", "piper", "pyttsx3", "starlette", "uvicorn", "mutagen")
    probe = f"import sys, voice_coach.cli.main; print(sorted(set({heavy!r}) & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
