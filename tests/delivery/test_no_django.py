import ast
from pathlib import Path

import stocktake.delivery


def test_delivery_logic_imports_no_django():
    for path in Path(stocktake.delivery.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "django" for n in names), f"{path.name} imports {names}"
