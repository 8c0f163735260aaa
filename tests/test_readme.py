"""The README as a newcomer uses it: its runnable shell blocks run as written, its command list names
only commands and options the `scorecard` command has, and its internal links lead to headings."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from scorecard.paths import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
VENV = PROJECT_ROOT / ".venv"
SCORECARD = VENV / "bin" / "scorecard"
RUNNABLE_MARKER = "<!-- runnable -->"
SHELL_FENCES = ("```sh", "```bash")
TELEMETRY_OFF = {"DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "GX_ANALYTICS_ENABLED": "false"}
BLOCK_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Block:
    line: int  # of the opening fence, 1-based, as an editor shows it
    text: str


def runnable_blocks(markdown: str) -> list[Block]:
    """Every shell block whose opening fence follows the runnable marker, de-indented as far as its
    fence is (a block may sit inside a list item). A marker before anything else is an error, so a
    block meant to run is never skipped silently."""
    lines = markdown.splitlines()
    blocks = []
    for index, line in enumerate(lines):
        if line.strip() != RUNNABLE_MARKER:
            continue
        fence = lines[index + 1] if index + 1 < len(lines) else ""
        if fence.strip() not in SHELL_FENCES:
            raise ValueError(f"line {index + 1}: {RUNNABLE_MARKER} must be followed by a ```sh or ```bash fence, not {fence!r}")
        indent = len(fence) - len(fence.lstrip())
        body = []
        for inner in lines[index + 2 :]:
            if inner.strip() == "```":
                break
            body.append(inner[indent:])
        else:
            raise ValueError(f"line {index + 2}: the runnable block is never closed")
        blocks.append(Block(index + 2, "\n".join(body)))
    return blocks


def command_list(markdown: str) -> dict[str, list[str]]:
    """The `scorecard` commands of the README's command list (the first block under "### Commands"),
    each with the options its synopsis shows, continuation lines included."""
    section = markdown.split("\n### Commands\n", 1)[1]
    block = section.split("```", 2)[1]
    commands: dict[str, list[str]] = {}
    current = None
    for line in block.splitlines():
        if line.startswith(".venv/bin/scorecard "):
            words = line.split()
            current = None if words[1].startswith("-") else words[1]  # `scorecard --help` names no command
            if current:
                commands[current] = []
        if current:
            commands[current] += re.findall(r"--[a-z][a-z-]*", line)
    return commands


def help_commands(help_text: str) -> set[str]:
    """The commands `scorecard --help` lists: argparse indents each by four spaces under its
    positional arguments."""
    listing = help_text.split("positional arguments:", 1)[1].split("options:", 1)[0]
    return {match.group(1) for match in re.finditer(r"^ {4}(\S+)", listing, re.MULTILINE)}


def github_anchor(heading: str) -> str:
    """The fragment GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def scorecard_help(*arguments: str) -> str:
    done = subprocess.run([str(SCORECARD), *arguments, "--help"], capture_output=True, text=True, env={**os.environ, **TELEMETRY_OFF})
    assert done.returncode == 0, done.stderr
    return done.stdout


def scratch_project(tmp_path: Path) -> Path:
    """A copy of the project's git-tracked files, with the project's .venv (and ../shared, where there
    is one) linked beside it as in the checkout: the blocks write raw/ and warehouse/ outputs there,
    never into the checkout."""
    project = tmp_path / PROJECT_ROOT.name
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        source = PROJECT_ROOT / name
        if not os.path.lexists(source):  # deleted in the working tree, not yet committed
            continue
        target = project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    (project / ".venv").symlink_to(VENV)
    shared = PROJECT_ROOT.parent / "shared"
    if shared.is_dir():
        (tmp_path / "shared").symlink_to(shared)
    return project


def test_runnable_blocks_are_found_in_list_items_and_a_stray_marker_is_refused():
    markdown = "\n".join(
        ["1. step", "   <!-- runnable -->", "   ```sh", "   echo one", "     echo two", "   ```", "", "```sh", "not marked", "```"]
    )
    assert runnable_blocks(markdown) == [Block(3, "echo one\n  echo two")]
    with pytest.raises(ValueError, match="line 1"):
        runnable_blocks("<!-- runnable -->\n```python\nprint(1)\n```")
    with pytest.raises(ValueError, match="never closed"):
        runnable_blocks("<!-- runnable -->\n```sh\necho")


@pytest.mark.flow
def test_every_runnable_block_of_the_readme_runs(tmp_path):
    blocks = runnable_blocks(README.read_text(encoding="utf-8"))
    assert blocks, f"no block of {README.name} is marked {RUNNABLE_MARKER}"
    project = scratch_project(tmp_path)
    env = {
        **os.environ,
        **TELEMETRY_OFF,
        "SCORECARD_ALLOWED_ROOTS": str(project),
        # Prefect's temporary server keeps its database under PREFECT_HOME: a private one per test run.
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
    }
    # A developer's own Prefect server is not the blocks' business: they run on the temporary one.
    for name in ("PREFECT_API_URL", "PREFECT_API_AUTH_STRING"):
        env.pop(name, None)
    for block in blocks:
        script = f"set -euo pipefail\n{block.text}\n"
        try:
            done = subprocess.run(
                ["bash", "-c", script], cwd=project, env=env, capture_output=True, text=True, timeout=BLOCK_TIMEOUT_SECONDS
            )
        except subprocess.TimeoutExpired as expired:
            pytest.fail(
                f"{README.name} block at line {block.line} still running after {BLOCK_TIMEOUT_SECONDS} s:\n{block.text}\n{expired.output}"
            )
        if done.returncode != 0:
            pytest.fail(
                f"{README.name} block at line {block.line} exited {done.returncode}:\n{block.text}\n"
                f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
            )


def test_the_command_list_names_every_command_and_only_options_the_cli_has():
    listed = command_list(README.read_text(encoding="utf-8"))
    assert listed, "the README's command list is empty"
    commands = help_commands(scorecard_help())
    unknown_commands = sorted(set(listed) - commands)
    assert unknown_commands == [], f"listed in the README but not in `scorecard --help`: {unknown_commands}"
    unlisted_commands = sorted(commands - set(listed))
    assert unlisted_commands == [], f"in `scorecard --help` but not in the README's command list: {unlisted_commands}"
    for command, options in listed.items():
        command_help = scorecard_help(command)
        unknown_options = [option for option in options if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", command_help)]
        assert unknown_options == [], f"`scorecard {command}` has no {unknown_options}"


def test_links_within_the_readme_lead_to_its_headings():
    markdown = README.read_text(encoding="utf-8")
    prose = re.sub(r"^ *```.*?^ *```", "", markdown, flags=re.MULTILINE | re.DOTALL)  # a '#' in a code block is no heading
    anchors = {github_anchor(heading) for heading in re.findall(r"^#{1,6} (.+)$", prose, re.MULTILINE)}
    broken = sorted({target for target in re.findall(r"\]\(#([^)]+)\)", prose) if target not in anchors})
    assert broken == [], f"links to no heading: {broken}"
