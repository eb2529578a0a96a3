"""Bounded YAML and data shapes: nesting depth and expanded size of scenario input.

A scenario is a small tree of mappings and lists. YAML aliases can make a short text stand
for a huge tree ("billion laughs"), and deep nesting exhausts the interpreter's stack; both are
refused here, before any validation walks the data, with the YAML line of the offending node.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted in a scenario."""

MAX_EXPANDED_NODES = 200_000
"""Most YAML nodes a scenario may hold once every alias is expanded."""


class BoundedSafeLoader(yaml.SafeLoader):
    """A :class:`yaml.SafeLoader` that refuses deep nesting and alias expansion bombs.

    Composition stops with a :class:`yaml.composer.ComposerError` (carrying the line and
    column) when nesting exceeds :data:`MAX_DEPTH`, when an alias refers to a node that contains
    it (a cycle), or when the document would expand to more than :data:`MAX_EXPANDED_NODES`.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """Compose one node, refusing nesting deeper than :data:`MAX_DEPTH`."""
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                event = self.peek_event()
                raise ComposerError(
                    None,
                    None,
                    f"nesting deeper than {MAX_DEPTH} levels",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_node(self) -> Node | None:
        """Compose the document and check its size with every alias expanded."""
        node = super().get_single_node()
        if node is not None:
            _check_expanded_size(node)
        return node


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _check_expanded_size(root: Node) -> None:
    """Raise ``ComposerError`` if the tree under ``root`` is cyclic or expands too far.

    Shared nodes (aliases) are counted once per use; each distinct node is visited once, so the
    check costs time in the size of the text, not of the expansion.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            in_progress.discard(key)
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > MAX_EXPANDED_NODES:
                raise ComposerError(
                    None,
                    None,
                    f"more than {MAX_EXPANDED_NODES} values once aliases are expanded",
                    node.start_mark,
                )
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in in_progress:
            raise ComposerError(
                None, None, "an alias refers to a node that contains it", node.start_mark
            )
        in_progress.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def load_yaml_text(text: str) -> Any:
    """Parse YAML text with :class:`BoundedSafeLoader` into plain data.

    Raises
    ------
    yaml.YAMLError
        On invalid YAML, and on documents that are too deep, cyclic or expand too far.
    """
    loader = BoundedSafeLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def shape_problem(data: Any) -> tuple[list[str | int], str] | None:
    """The first place where plain data (e.g. parsed JSON) is too deep or too large.

    Walks mappings and lists without recursion, so any depth is safe, and stops after
    :data:`MAX_EXPANDED_NODES` values.

    Returns
    -------
    tuple or None
        ``(path, what is allowed)`` of the first problem, or ``None`` if the shape is fine.
    """
    stack: list[tuple[Any, list[str | int]]] = [(data, [])]
    seen = 0
    while stack:
        value, path = stack.pop()
        seen += 1
        if seen > MAX_EXPANDED_NODES:
            return [], f"at most {MAX_EXPANDED_NODES} values in a scenario"
        if isinstance(value, dict):
            items: list[tuple[str | int, Any]] = [(str(k), v) for k, v in value.items()]
        elif isinstance(value, list | tuple):
            items = list(enumerate(value))
        else:
            continue
        if items and len(path) >= MAX_DEPTH:
            return path, f"nesting at most {MAX_DEPTH} levels deep"
        stack.extend((child, [*path, key]) for key, child in reversed(items))
    return None
