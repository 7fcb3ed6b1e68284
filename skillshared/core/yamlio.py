"""Safe, bounded YAML reading for user-written files (config, frontmatter)."""

from __future__ import annotations

from typing import Any

import yaml

MAX_ALIASES = 100


class YamlError(ValueError):
    """A YAML document that cannot be read; the message names the line."""


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses documents with many aliases (billion-laughs style bombs)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise yaml.YAMLError(
                    f"more than {MAX_ALIASES} aliases (line {mark.line + 1}); "
                    "write the values out instead"
                )
        return super().compose_node(parent, index)


def load(text: str, origin: str) -> Any:
    """Parse one YAML document; raise :class:`YamlError` saying where it is broken."""
    try:
        loader = _BoundedLoader(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{origin}, line {mark.line + 1}" if mark else origin
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(f"{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(f"{origin}: {exc}") from None
    except RecursionError:
        raise YamlError(f"{origin}: nested too deeply") from None


def dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False, allow_unicode=True)
