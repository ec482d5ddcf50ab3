"""The shape of the code (README, Code): a capability imports only core/, vocab.py and itself; core/ imports
nothing above it but vocab.py; vocab.py imports nothing of ours; there is no import cycle."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "outreach"
CAPABILITIES = {"auth", "field", "casework", "report", "admin", "demo"}


def module_of(path):
    """outreach.x.y for a file under outreach/."""
    parts = ["outreach", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path):
    """The outreach modules a file imports, relative imports resolved (also those inside functions)."""
    name = module_of(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found |= {base} | {f"{base}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {m for m in found if m.startswith("outreach")}


GRAPH = {module_of(p): imports(p) for p in PACKAGE.rglob("*.py")}
MODULES = set(GRAPH)


def area(module):
    """'core', a capability's name, or the top level ('outreach.vocab' → 'vocab', 'outreach.cli' → 'cli')."""
    return module.split(".")[1] if module.count(".") else "outreach"


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if area(m) in CAPABILITIES))
def test_a_capability_imports_only_core_vocab_and_itself(module):
    """field, casework, report, auth, admin and demo never reach into one another."""
    wrong = {t for t in GRAPH[module] if t in MODULES and area(t) not in {area(module), "core", "vocab", "outreach"}}
    assert wrong == set()


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if area(m) in ("core", "vocab")))
def test_core_imports_nothing_above_it(module):
    """core/ stands on nothing but itself and vocab.py; vocab.py stands on nothing of ours."""
    allowed = {"core", "vocab"} if area(module) == "core" else {"vocab"}
    wrong = {t for t in GRAPH[module] if t in MODULES and area(t) not in allowed and t != "outreach"}
    assert wrong == set()


def test_there_is_no_import_cycle():
    """Depth-first search over the module graph: no module can reach itself."""
    edges = {m: {t for t in ts if t in MODULES and t != m and not m.startswith(t + ".")} for m, ts in GRAPH.items()}
    state = {}

    def visit(module, path):
        """Walk on; a module met again on the current path closes a cycle."""
        state[module] = "open"
        for target in edges[module]:
            if state.get(target) == "open":
                pytest.fail(" -> ".join([*path, module, target]))
            if target not in state:
                visit(target, [*path, module])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [])


def test_the_readme_links_only_inside_the_repository():
    """A newcomer with only the clone: every link or path the README gives to a file is one inside it."""
    import re
    root = PACKAGE.parent
    readme = (root / "README.md").read_text()
    links = [link for link in re.findall(r"\]\(([^)\s#]+)", readme) if not re.match(r"[a-z]+:", link)]
    assert [link for link in links if not (root / link).resolve().is_relative_to(root)
            or not (root / link).exists()] == []
    assert not re.search(r"(?<![\w.])\.\./|/work/|\bshared/", readme)  # No path out of the clone, in text either.
