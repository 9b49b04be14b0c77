"""Catalog entries: playlist folder writes (folders are listed with the library, playlists.library)."""

from shared.catalog.operation import Operation, write

_J = "workers.jobs.folders."

OPERATIONS: tuple[Operation, ...] = (
    write("folder.create", _J + "create_folder", "folder"),
    write("folder.rename", _J + "rename_folder", "folder"),
    write("folder.delete", _J + "delete_folder", "folder"),
    write("folder.move", _J + "move_playlists", "folder"),
)
