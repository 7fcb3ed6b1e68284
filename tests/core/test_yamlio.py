"""core/yamlio.py: bounded, safe YAML reading that says where a document is broken."""

from __future__ import annotations

import pytest

from skillshared.core import yamlio


def test_a_document_loads_and_dumps_back_in_order() -> None:
    data = yamlio.load("b: 1\na: [x, y]\n", "config.yaml")
    assert data == {"b": 1, "a": ["x", "y"]}
    assert yamlio.dump(data) == "b: 1\na:\n- x\n- y\n"
    assert yamlio.dump({"name": "ünïcode"}) == "name: ünïcode\n"


def test_broken_yaml_names_the_file_and_the_line() -> None:
    with pytest.raises(yamlio.YamlError) as caught:
        yamlio.load("a: 1\nb: [unclosed\n", "config.yaml")
    assert str(caught.value).startswith("config.yaml, line ")


def test_python_tags_are_refused() -> None:
    with pytest.raises(yamlio.YamlError, match=r"config\.yaml"):
        yamlio.load("x: !!python/object/apply:os.system ['true']\n", "config.yaml")


def test_an_alias_bomb_is_refused_before_it_grows() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 12):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1 if n > 1 else ''}"] * 10) + "]")
    with pytest.raises(yamlio.YamlError, match="more than 100 aliases"):
        yamlio.load("\n".join(lines) + "\n", "bomb.yaml")
    few = "a: &a 1\nb: *a\nc: *a\n"
    assert yamlio.load(few, "ok.yaml") == {"a": 1, "b": 1, "c": 1}


def test_nesting_too_deep_is_an_error_not_a_crash() -> None:
    with pytest.raises(yamlio.YamlError, match=r"deep\.yaml"):
        yamlio.load("[" * 100_000 + "]" * 100_000, "deep.yaml")
