"""The operations of a plan: one type per action, equal to the plain tuple they stand for."""

from __future__ import annotations

import copy
import pickle

import pytest

from skillshared.engine import ops
from skillshared.engine.ops import Op

EVERY = [
    (ops.MkdirTarget(), Op("mkdir_target")),
    (ops.UnlinkTarget("/src"), Op("unlink_target", arg="/src")),
    (ops.LinkTarget("/src"), Op("link_target", arg="/src")),
    (ops.RelinkTarget("/src", "/old"), Op("relink_target", arg="/src", expect="/old")),
    (ops.ReplaceDirWithLink("/src"), Op("replace_dir_with_link", arg="/src")),
    (ops.ForceReplaceTarget("/src"), Op("force_replace_target", arg="/src")),
    (ops.CleanTemp(".skillshare-tmp-x"), Op("clean_temp", ".skillshare-tmp-x")),
    (ops.Link("a", "/src/a"), Op("link", "a", "/src/a")),
    (ops.Relink("a", "/src/a", "/old/a"), Op("relink", "a", "/src/a", "/old/a")),
    (ops.Unlink("a", "/src/a"), Op("unlink", "a", None, "/src/a")),
    (ops.Adopt("a", "/src/a", "d1"), Op("adopt", "a", "/src/a", "d1")),
    (ops.Copy("a", "s1"), Op("copy", "a", "s1")),
    (ops.Copy("a", "s1", "/src/a"), Op("copy", "a", "s1", "/src/a")),
    (ops.UpdateCopy("a", "s1", "s0"), Op("update_copy", "a", "s1", "s0")),
    (ops.RemoveCopy("a", "s0"), Op("remove_copy", "a", None, "s0")),
    (ops.ForceReplace("a", "/src/a"), Op("force_replace", "a", "/src/a")),
]


@pytest.mark.parametrize(("typed", "plain"), EVERY)
def test_a_typed_operation_is_its_plain_tuple(typed: ops.PlannedOp, plain: Op) -> None:
    assert typed == plain and hash(typed) == hash(plain)
    assert (typed.action, typed.name, typed.arg, typed.expect) == tuple(plain)
    assert isinstance(typed, Op)


@pytest.mark.parametrize(("typed", "plain"), EVERY)
def test_typed_operations_copy_and_pickle_as_themselves(typed: ops.PlannedOp,
                                                        plain: Op) -> None:
    for again in (copy.copy(typed), copy.deepcopy(typed), pickle.loads(pickle.dumps(typed))):
        assert again == typed and type(again) is type(typed)


def test_every_action_has_its_type() -> None:
    assert len({typed.action for typed, _ in EVERY}) == len(ops.PlannedOp.__args__) == 15
