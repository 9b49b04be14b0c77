"""The user's v2 playlist collection: a tree of folders holding own and favorited playlists.

Items are addressed by TRN (``trn:folder:<id>``, ``trn:playlist:<uuid>``); a playlist that was
never moved sits in ``root``. ``State`` owns one :class:`Collection`; callers hold ``State.lock``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .errors import TidalError
from .model import CATALOG_EPOCH_MS, DAY_MS, seeded_uuid

ROOT = "root"
FOLDER_TRN = "trn:folder:"
PLAYLIST_TRN = "trn:playlist:"
#: Seeded folders as (name, parent index or None): "Archive" and "Archive/2019", both empty.
SEEDED_FOLDERS: tuple[tuple[str, int | None], ...] = (("Archive", None), ("2019", 0))


@dataclass
class FolderState:
    """A folder in the collection."""

    id: str
    name: str
    parent: str
    created_ms: int
    last_modified_ms: int

    @property
    def trn(self) -> str:
        """``trn:folder:<id>``."""
        return FOLDER_TRN + self.id


@dataclass(frozen=True)
class Entry:
    """One item of a folder listing: a folder or a playlist (``ref`` is its id or uuid)."""

    trn: str
    kind: str
    name: str
    added_ms: int
    modified_ms: int
    ref: str


def folder_not_found(folder_id: str) -> TidalError:
    """404/2001 for an unknown folder id."""
    return TidalError(404, 2001, f"Folder [{folder_id}] not found")


class Collection:
    """Folders plus the parent folder of every playlist TRN that is not in ``root``."""

    def __init__(self, seed: int) -> None:
        self.folders: dict[str, FolderState] = {}
        self.parents: dict[str, str] = {}
        rng = random.Random(f"{seed}:folders")
        made: list[FolderState] = []
        for name, parent_index in SEEDED_FOLDERS:
            created = CATALOG_EPOCH_MS - rng.randint(30, 400) * DAY_MS
            parent = ROOT if parent_index is None else made[parent_index].id
            folder = FolderState(seeded_uuid(rng), name, parent, created, created)
            made.append(folder)
            self.folders[folder.id] = folder

    def parent_of(self, trn: str) -> str:
        """The folder id a TRN sits in (``root`` unless moved)."""
        if trn.startswith(FOLDER_TRN):
            return self.folders[trn.removeprefix(FOLDER_TRN)].parent
        return self.parents.get(trn, ROOT)

    def require_folder(self, folder_id: str) -> None:
        """404 unless ``folder_id`` is ``root`` or an existing folder."""
        if folder_id != ROOT and folder_id not in self.folders:
            raise folder_not_found(folder_id)

    def create_folder(self, name: str, parent: str, folder_id: str, stamp: int) -> FolderState:
        """A new empty folder under ``parent``."""
        self.require_folder(parent)
        folder = FolderState(folder_id, name, parent, stamp, stamp)
        self.folders[folder.id] = folder
        self.touch(parent, stamp)
        return folder

    def touch(self, folder_id: str, stamp: int) -> None:
        """Bump a folder's lastModifiedAt (no-op for root)."""
        if folder_id in self.folders:
            folder = self.folders[folder_id]
            folder.last_modified_ms = max(folder.last_modified_ms + 1, stamp)

    def subtree(self, folder_id: str) -> list[str]:
        """``folder_id`` and every folder below it, parents first."""
        found = [folder_id]
        for current in found:
            found.extend(f.id for f in self.folders.values() if f.parent == current)
        return found

    def place(self, trn: str, folder_id: str, stamp: int) -> None:
        """Put a playlist or folder TRN into ``folder_id`` (400 for a folder into its own subtree)."""
        self.require_folder(folder_id)
        old = self.parent_of(trn)
        if trn.startswith(FOLDER_TRN):
            moving = trn.removeprefix(FOLDER_TRN)
            if folder_id in self.subtree(moving):
                raise TidalError(400, 1002, f"Folder [{moving}] cannot be moved into itself")
            self.folders[moving].parent = folder_id
        elif folder_id == ROOT:
            self.parents.pop(trn, None)
        else:
            self.parents[trn] = folder_id
        self.touch(old, stamp)
        self.touch(folder_id, stamp)

    def forget(self, trn: str) -> None:
        """Drop a playlist TRN's placement (the playlist left the collection)."""
        parent = self.parents.pop(trn, None)
        if parent is not None:
            self.touch(parent, 0)
