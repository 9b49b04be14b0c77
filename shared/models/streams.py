"""Stream resolution: what TIDAL grants for a track or video, and how to play it.

URLs and manifests are credentials for the account: they are cached only until shortly before they
expire and never logged.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.models.batch import BatchResult, JobInfo
from shared.models.common import _Model

AUDIO_QUALITIES = ("LOW", "HIGH", "LOSSLESS", "HI_RES_LOSSLESS")
VIDEO_QUALITIES = ("LOW", "MEDIUM", "HIGH")
AudioQuality = Literal["LOW", "HIGH", "LOSSLESS", "HI_RES_LOSSLESS"]
VideoQuality = Literal["LOW", "MEDIUM", "HIGH"]


class SegmentTemplate(_Model):
    """How to fetch a DASH stream: the initialization URL, the media URL with ``$Number$``, the count."""

    initialization: str
    media: str
    start_number: int
    timescale: int
    segments: int


class PlaybackInfo(_Model):
    """What TIDAL grants for a track at a quality, without anything playable."""

    track_id: int
    requested_quality: str = Field(description="The quality asked, or BEST when none was")
    quality: str = Field(description="The quality TIDAL granted")
    downgraded: bool = Field(description="Whether that is lower than an explicitly asked quality (or a preview)")
    downgrade_reason: str | None = Field(None, description="Why (the track's own best, the subscription)")
    presentation: str = Field(description="FULL, or PREVIEW (30 s) when the subscription allows no more")
    audio_mode: str | None = None
    manifest_type: str = Field(description="BTS (direct URLs) or DASH (an MPD with a segment template)")
    mime_type: str
    codec: str | None = None
    sample_rate: int | None = None
    bit_depth: int | None = None
    encryption: str = Field(description="NONE, or the scheme (OLD_AES, cenc) a player must handle")
    replay_gain: float | None = None
    peak: float | None = None
    expires_at: str | None = Field(None, description="When the URLs stop working (UTC)")


class Stream(PlaybackInfo):
    """A playable track: direct URLs (BTS) or the MPD and its segment template (DASH)."""

    urls: list[str] = []
    mpd: str | None = None
    segment_template: SegmentTemplate | None = None


class VideoStream(_Model):
    """A playable video: an HLS master playlist URL."""

    video_id: int
    requested_quality: str
    quality: str
    downgraded: bool
    presentation: str
    mime_type: str
    url: str
    expires_at: str | None = None


class StreamBatch(BatchResult):
    """Streams of many tracks, in the order asked (ids are ``<track id>:<quality>``)."""

    found: list[Stream]


class StreamBatchAnswer(JobInfo):
    """Streams of many tracks: the result when it finished in time, else the job to poll (while a job
    waits, its URLs stay in the cache only until shortly before they expire)."""

    result: StreamBatch | None = None  # type: ignore[assignment]  # narrows JobInfo.result (the schema names the type)
