"""Catalog entries: mixes and videos."""

from shared.catalog.operation import HOUR, Operation, read

_J = "workers.jobs.mixes."

OPERATIONS: tuple[Operation, ...] = (
    read("mix.get", _J + "get_mix", "mix", "mix_id", ttl=HOUR, timeout=120),
    read("video.get", _J + "get_video", "video", "video_id", ttl=6 * HOUR),
)
