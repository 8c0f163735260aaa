"""The one way the project reads YAML (framework and mapping files): safe tags only, and bounded.

A YAML file is refused, with the limit named (scorecard/limits.py), when it is larger than the YAML
file-size limit, nested deeper than the nesting limit, or has more nodes than the node limit when
every alias is counted as the nodes it stands for — the check that stops "billion laughs" (a few
hundred bytes of nested anchors that expand to gigabytes) before anything is built from them. An
alias to a node that contains it (a recursive document) is refused too. Text that is not YAML, or
a key written twice in one mapping (YAML would silently keep the last), is reported by line and
column in plain words (YamlSyntaxError). `yaml_scalar` writes one value for hand-written YAML
(a draft mapping with comments), escaped so no value can end its line or start a comment.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from scorecard.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES


class YamlRefused(ValueError):
    """A YAML file over a limit, recursive, or not UTF-8 text (the message says which)."""


class YamlSyntaxError(yaml.YAMLError):
    """Text that is not valid YAML, said plainly: `problem` (what is wrong) at `problem_mark` (line, column)."""

    def __init__(self, problem: str, problem_mark: yaml.Mark | None) -> None:
        where = f"line {problem_mark.line + 1}, column {problem_mark.column + 1}: " if problem_mark else ""
        super().__init__(where + problem)
        self.problem, self.problem_mark = problem, problem_mark


# PyYAML's wording (a part of its message) → what it means for someone editing the file by hand.
PLAIN_PROBLEMS = (
    ("mapping values are not allowed here", "a second ': ' on this line: put text holding ': ' in quotes, or check its indentation"),
    ("that cannot start any token", "a tab or other character that cannot start a value: indent with spaces, quote the text"),
    ("could not find expected ':'", "this line is not `name: value` (a ':' missing, or a quote left open above)"),
    ("expected <block end>", "the indentation of this line does not line up with the lines above"),
    ("expected ',' or ']'", "a [ … ] list is not closed"),
    ("expected ',' or '}'", "a { … } mapping is not closed"),
    ("found unexpected end of stream", "the file ends inside a quoted text: a quote is not closed"),
    ("found undefined alias", "an alias (*name) with no anchor (&name) above it"),
    ("could not determine a constructor", "a tag (!!…) that is not allowed here: write plain values"),
)


def plain_syntax_error(error: yaml.MarkedYAMLError) -> YamlSyntaxError:
    problem = str(error.problem or error)
    plain = next((meaning for wording, meaning in PLAIN_PROBLEMS if wording in problem), problem)
    if error.context and error.context_mark and error.problem_mark and error.context_mark.line != error.problem_mark.line:
        plain += f" ({error.context} from line {error.context_mark.line + 1})"
    return YamlSyntaxError(plain, error.problem_mark)


class BoundedSafeLoader(yaml.SafeLoader):
    """A SafeLoader that counts the nodes it composes, each alias as the size of its anchored node."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.max_nodes, self.max_depth = MAX_YAML_NODES.value(), MAX_YAML_DEPTH.value()
        self.expanded_nodes = 0  # the whole document's nodes so far, aliases written out
        self.node_sizes: dict[int, int] = {}  # id(node) → its nodes with aliases written out, once composed
        self.open_sizes: list[int] = []  # per node being composed: its nodes so far, itself included

    def count(self, nodes: int) -> None:
        """Add `nodes` to the document's count (a new node: 1; an alias: the nodes it stands for)."""
        self.expanded_nodes += nodes
        if self.expanded_nodes > self.max_nodes:
            raise YamlRefused(f"more nodes, with aliases written out, than {MAX_YAML_NODES.named(self.max_nodes)}")

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        line = self.peek_event().start_mark.line + 1
        if self.check_event(yaml.AliasEvent):
            node = super().compose_node(parent, index)  # the anchored node itself (or an undefined-alias error)
            size = self.node_sizes.get(id(node))
            if size is None:
                raise YamlRefused(f"line {line}: an alias inside the node it refers to (a recursive document)")
            self.count(size)
        else:
            if len(self.open_sizes) >= self.max_depth:
                raise YamlRefused(f"line {line}: nested deeper than {MAX_YAML_DEPTH.named(self.max_depth)}")
            self.count(1)
            self.open_sizes.append(1)
            try:
                node = super().compose_node(parent, index)
            finally:
                size = self.open_sizes.pop()
            self.node_sizes[id(node)] = size
        if self.open_sizes:
            self.open_sizes[-1] += size
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *base` may be overridden by the keys beside it
                continue
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise YamlSyntaxError(f"{key!r} is written twice in the same mapping (only one can count)", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def yaml_text(path: Path) -> str:
    """The file's text, read no further than the YAML file-size limit."""
    limit = MAX_YAML_BYTES.value()
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise YamlRefused(f"larger than {MAX_YAML_BYTES.named(limit)}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise YamlRefused(f"not UTF-8 text ({error.reason} at byte {error.start})") from None


def compose_yaml(text: str) -> yaml.Node | None:
    """The document's node tree (for finding the line of a part of it), within the limits."""
    loader = BoundedSafeLoader(text)
    try:
        return loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise plain_syntax_error(error) from None
    finally:
        loader.dispose()


def parse_yaml(text: str) -> Any:
    """The document as Python values (safe tags only), within the limits. Raises YamlSyntaxError
    (a yaml.YAMLError) for text that is not YAML and YamlRefused for a document over a limit."""
    loader = BoundedSafeLoader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        raise plain_syntax_error(error) from None
    finally:
        loader.dispose()


def load_yaml(path: Path) -> Any:
    return parse_yaml(yaml_text(path))


def yaml_scalar(value: str | int | float | bool | None, quoted: bool = False, in_flow: bool = False) -> str:
    """One value as YAML on one line: plain where that reads back the same (and `quoted` is not
    asked for), else double-quoted with line breaks, control and invisible characters escaped —
    safe in a comment and in a terminal too. `in_flow`: for use inside { … } or [ … ]."""
    text = yaml.safe_dump(value, allow_unicode=True, width=1 << 30).removesuffix("\n...\n").removesuffix("\n")
    invisible = isinstance(value, str) and any(unicodedata.category(char) in ("Cc", "Cf") for char in value)
    flow_unsafe = in_flow and not re.fullmatch(r"[\w .\-/]+", text)  # PyYAML reads less as plain inside { … }
    if quoted or invisible or flow_unsafe or "\n" in text or text.startswith(("'", "|", ">")):
        text = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_style='"').removesuffix("\n")
        # PyYAML leaves format characters (bidi overrides, zero-width) as they are: escape them too
        text = "".join(f"\\u{ord(char):04x}" if unicodedata.category(char) == "Cf" else char for char in text)
    return text
