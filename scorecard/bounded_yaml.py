"""The one way the project reads YAML (framework and mapping files): safe tags only, and bounded.

A YAML file is refused, with the limit named (scorecard/limits.py), when it is larger than the YAML
file-size limit, nested deeper than the nesting limit, or has more nodes than the node limit when
every alias is counted as the nodes it stands for — the check that stops "billion laughs" (a few
hundred bytes of nested anchors that expand to gigabytes) before anything is built from them. An
alias to a node that contains it (a recursive document) is refused too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from scorecard.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES


class YamlRefused(ValueError):
    """A YAML file over a limit, recursive, or not UTF-8 text (the message says which)."""


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
    finally:
        loader.dispose()


def parse_yaml(text: str) -> Any:
    """The document as Python values (safe tags only), within the limits. Raises yaml.YAMLError
    for text that is not YAML and YamlRefused for a document over a limit."""
    loader = BoundedSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_yaml(path: Path) -> Any:
    return parse_yaml(yaml_text(path))
