"""Every command's help works and ends with an example."""

import click
import pytest
from click.testing import CliRunner

from cli.main import cli as root


def all_commands(group: click.Group, path=("megatao",)):
    yield path, group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from all_commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = list(all_commands(root))


def test_the_root_help_lists_the_command_groups(cli):
    run = cli("--help")
    assert run.code == 0
    for group in ("devnet", "network", "pool"):
        assert f"  {group} " in run.stdout


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p))
def test_help_ends_with_an_example(path):
    runner = CliRunner()
    result = runner.invoke(root, [*path[1:], "--help"], prog_name="megatao")
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines() if line.strip()]
    example_at = max(i for i, line in enumerate(lines) if line == "Example:")
    assert all(line.startswith("megatao ") for line in lines[example_at + 1 :]), lines[example_at:]
    assert lines[example_at + 1 :], "the example is empty"


def test_option_factories_live_in_cli_options():
    """Outside cli/options.py, a `click.option` is only ever a command's own decorator: no module composes options
    into a factory of its own (the shared ones are declared once, in cli/options.py)."""
    import ast
    from pathlib import Path

    stray = []
    for path in sorted((Path(__file__).resolve().parents[1] / "cli").glob("*.py")):
        if path.name == "options.py":
            continue
        tree = ast.parse(path.read_text())
        decorators = {
            id(d) for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) for d in node.decorator_list
        }
        for node in ast.walk(tree):
            is_option = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "option"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "click"
            )
            if is_option and id(node) not in decorators:
                stray.append(f"{path.name}:{node.lineno}")
    assert not stray, f"option factories outside cli/options.py: {stray}"
