"""The command line documents itself, as sqlite-utils' test_docs does: every command and option has help with
an example, every command is registered one way (outreach/cli.py), and the README names each with its options."""
import re
from pathlib import Path

import click
import pytest

from outreach import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
# The README's "Command line" block: one line per command.
BLOCK = re.search(r"## Command line\n\n```sh\n(.*?)```", README, re.S).group(1)
COMMANDS = {command.name: command for command in cli.COMMANDS}


def test_every_command_of_the_app_comes_from_cli_py(app):
    """The app has exactly the commands of cli.COMMANDS (plus Flask's own), registered in one place."""
    assert set(app.cli.commands) == set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_help_says_what_and_gives_an_example(runner, name):
    """`--help` of each command: what it does, then an example that runs that very command."""
    result = runner.invoke(args=[name, "--help"])
    assert result.exit_code == 0
    summary = COMMANDS[name].help.strip().splitlines()[0]
    assert len(summary) > 20 and summary in " ".join(result.output.split())  # Help text wraps at 80 columns.
    assert "Example" in result.output
    assert re.search(rf"^\s+(sudo -u \S+ )?flask --app outreach {name}\b", result.output, re.M), result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_has_help_and_every_argument_is_explained(name):
    """Options carry their own help; arguments (which click gives none) are named in the command's text."""
    for param in COMMANDS[name].params:
        if isinstance(param, click.Option):
            assert param.help and len(param.help) > 5, (name, param.name)
        else:
            assert param.human_readable_name in COMMANDS[name].help, (name, param.name)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_option_is_in_the_readme(name):
    """The README's command list has a line for each command, naming each of its options."""
    lines = [line for line in BLOCK.splitlines() if re.match(rf"flask --app outreach {name}\b", line)]
    assert len(lines) == 1, f"{name} ontbreekt in de README (Command line)"
    for param in COMMANDS[name].params:
        if isinstance(param, click.Option):
            assert any(opt in lines[0] for opt in param.opts), (name, param.opts)


def test_the_readme_lists_no_command_that_does_not_exist():
    """Every command line in the README's list is a real command."""
    named = re.findall(r"^flask --app outreach ([a-z-]+)", BLOCK, re.M)
    assert named and set(named) == set(COMMANDS)
