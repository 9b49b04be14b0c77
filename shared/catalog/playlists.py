"""Catalog entries: playlist reads and writes, the library listing, snapshots' restore."""

from shared.catalog.operation import MINUTE, Operation, read, write

_J = "workers.jobs.playlists."

OPERATIONS: tuple[Operation, ...] = (
    read("playlist.get", _J + "get_playlist", "playlist", "playlist_id", ttl=5 * MINUTE, timeout=300),
    read("playlists.library", _J + "list_library", "library", None, ttl=5 * MINUTE, timeout=300),
    write("playlist.create", _J + "create_playlist", "playlist"),
    write("playlist.copy", _J + "copy_playlist", "playlist"),
    write("playlist.edit", _J + "edit_playlist", "playlist"),
    write("playlist.visibility", _J + "set_visibility", "playlist"),
    write("playlist.delete", _J + "delete_playlists", "playlist"),
    write("playlist.add", _J + "add_tracks", "playlist"),
    write("playlist.remove", _J + "remove_tracks", "playlist"),
    write("playlist.move", _J + "move_tracks", "playlist"),
    write("playlist.clear", _J + "clear_playlist", "playlist"),
    write("playlist.merge", _J + "merge_playlists", "playlist"),
    write("playlist.restore", _J + "restore_playlist", "playlist"),
)
