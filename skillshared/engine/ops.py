"""The operations a plan is made of: one type per action, with the fields that action needs
(pure values; nothing here touches the disk).

Every operation is an :class:`Op` tuple ``(action, name, arg, expect)``: ``name`` is the
entry in the target folder ("" for the target path itself), ``arg`` what to put there and
``expect`` what must still be there for the change to go ahead; each type below says what
they hold for its action, and takes only those in its constructor. An operation is equal to
the plain ``Op`` with the same values, so tables of expected plans can be written plainly.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple, TypeAlias


class Op(NamedTuple):
    """An operation as a plain tuple (see the module's documentation)."""

    action: str
    name: str = ""
    arg: str | None = None
    expect: str | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        # copies and pickles of the typed operations, whose constructors take their own fields
        return tuple.__new__, (type(self), tuple(self))


# -- the target path itself -------------------------------------------------------------------


class MkdirTarget(Op):
    """Create the target folder."""

    __slots__ = ()
    action: Literal["mkdir_target"]
    arg: None
    expect: None

    def __new__(cls) -> MkdirTarget:
        return super().__new__(cls, "mkdir_target")


class UnlinkTarget(Op):
    """Remove our link at the target path, if its text is still ``arg`` (the folder is made
    in its place)."""

    __slots__ = ()
    action: Literal["unlink_target"]
    arg: str
    expect: None

    def __new__(cls, text: str) -> UnlinkTarget:
        return super().__new__(cls, "unlink_target", "", text)


class LinkTarget(Op):
    """Make the target path (a symlink-mode target) our link with the text ``arg``."""

    __slots__ = ()
    action: Literal["link_target"]
    arg: str
    expect: None

    def __new__(cls, text: str) -> LinkTarget:
        return super().__new__(cls, "link_target", "", text)


class RelinkTarget(Op):
    """Give the link at the target path the text ``arg``, if it still has ``expect``."""

    __slots__ = ()
    action: Literal["relink_target"]
    arg: str
    expect: str

    def __new__(cls, text: str, current: str) -> RelinkTarget:
        return super().__new__(cls, "relink_target", "", text, current)


class ReplaceDirWithLink(Op):
    """Replace the target folder, emptied of our entries, with our link ``arg``."""

    __slots__ = ()
    action: Literal["replace_dir_with_link"]
    arg: str
    expect: None

    def __new__(cls, text: str) -> ReplaceDirWithLink:
        return super().__new__(cls, "replace_dir_with_link", "", text)


class ForceReplaceTarget(Op):
    """Replace the target folder, entries not ours and all (backed up first), with our link
    ``arg``."""

    __slots__ = ()
    action: Literal["force_replace_target"]
    arg: str
    expect: None

    def __new__(cls, text: str) -> ForceReplaceTarget:
        return super().__new__(cls, "force_replace_target", "", text)


# -- entries in the target folder -------------------------------------------------------------


class CleanTemp(Op):
    """Finish or undo the temp entry ``name`` an interrupted pass left."""

    __slots__ = ()
    action: Literal["clean_temp"]
    arg: None
    expect: None

    def __new__(cls, entry: str) -> CleanTemp:
        return super().__new__(cls, "clean_temp", entry)


class Link(Op):
    """Make our link ``name`` with the text ``arg`` where nothing is."""

    __slots__ = ()
    action: Literal["link"]
    arg: str
    expect: None

    def __new__(cls, name: str, text: str) -> Link:
        return super().__new__(cls, "link", name, text)


class Relink(Op):
    """Give our link ``name`` the text ``arg``, if it still has ``expect``."""

    __slots__ = ()
    action: Literal["relink"]
    arg: str
    expect: str

    def __new__(cls, name: str, text: str, current: str) -> Relink:
        return super().__new__(cls, "relink", name, text, current)


class Unlink(Op):
    """Remove our link ``name``, if its text is still ``expect``."""

    __slots__ = ()
    action: Literal["unlink"]
    arg: None
    expect: str

    def __new__(cls, name: str, current: str) -> Unlink:
        return super().__new__(cls, "unlink", name, None, current)


class Adopt(Op):
    """Replace the folder ``name`` (our copy, or identical to its skill: digest ``expect``)
    with our link ``arg``."""

    __slots__ = ()
    action: Literal["adopt"]
    arg: str
    expect: str

    def __new__(cls, name: str, text: str, digest: str) -> Adopt:
        return super().__new__(cls, "adopt", name, text, digest)


class Copy(Op):
    """Put a copy of the skill ``name`` (digest ``arg``) where nothing is, or in place of
    our link with the text ``expect``."""

    __slots__ = ()
    action: Literal["copy"]
    arg: str
    expect: str | None

    def __new__(cls, name: str, digest: str, link: str | None = None) -> Copy:
        return super().__new__(cls, "copy", name, digest, link)


class UpdateCopy(Op):
    """Replace our unedited copy ``name`` (digest ``expect``) with a new one (``arg``)."""

    __slots__ = ()
    action: Literal["update_copy"]
    arg: str
    expect: str

    def __new__(cls, name: str, digest: str, current: str) -> UpdateCopy:
        return super().__new__(cls, "update_copy", name, digest, current)


class RemoveCopy(Op):
    """Prune our copy ``name``, if it is still unedited (digest ``expect``)."""

    __slots__ = ()
    action: Literal["remove_copy"]
    arg: None
    expect: str

    def __new__(cls, name: str, digest: str) -> RemoveCopy:
        return super().__new__(cls, "remove_copy", name, None, digest)


class ForceReplace(Op):
    """Replace the entry ``name`` in the way (backed up first) with our link (text ``arg``)
    or, in a copy-mode target, our copy (digest ``arg``)."""

    __slots__ = ()
    action: Literal["force_replace"]
    arg: str
    expect: None

    def __new__(cls, name: str, replace_with: str) -> ForceReplace:
        return super().__new__(cls, "force_replace", name, replace_with)


PlannedOp: TypeAlias = (MkdirTarget | UnlinkTarget | LinkTarget | RelinkTarget
                        | ReplaceDirWithLink | ForceReplaceTarget | CleanTemp | Link | Relink
                        | Unlink | Adopt | Copy | UpdateCopy | RemoveCopy | ForceReplace)
