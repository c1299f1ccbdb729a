"""A studio's avatar: whatever image the owner uploads becomes a small, clean PNG or JPEG.

Re-encoding is the point, not only the resize: it drops EXIF (a phone photo carries the GPS
position of where it was taken), colour-profile tricks and anything appended to the file, so
what we serve is pixels we produced ourselves.
"""

import hashlib
import io
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

AVATAR_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
AVATAR_MAX_SOURCE_PIXELS = 40_000_000  # a 8000 x 5000 photo; more is a decompression bomb
AVATAR_SIZE = 512  # the longer side, in pixels
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


@dataclass(frozen=True)
class AvatarImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def avatar_image_from_upload(upload: BinaryIO, *, size: int | None = None) -> AvatarImage:
    """Decode an uploaded image and re-encode it at most AVATAR_SIZE px on its longer side.

    Raises ValidationError with a sentence an owner can act on for anything that isn't a
    PNG, JPEG, WebP or GIF picture of a sane size.
    """
    if size is not None and size > AVATAR_MAX_UPLOAD_BYTES:
        raise ValidationError("That file is over 5 MB; choose a smaller image.")
    try:
        with Image.open(upload) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in ACCEPTED_FORMATS:
                raise ValidationError("Upload a PNG, JPEG, WebP or GIF image.")
            if width * height > AVATAR_MAX_SOURCE_PIXELS:
                raise ValidationError("That image is too large; use one under 40 megapixels.")
            probe.verify()  # a truncated or corrupt file fails here, before decoding
        upload.seek(0)
        with Image.open(upload) as source:
            source.seek(0)  # the first frame of an animation
            picture = ImageOps.exif_transpose(source)
            picture.thumbnail((AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
            return _encode(picture)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("That file isn't an image we can read.") from None


def _encode(picture: Image.Image) -> AvatarImage:
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    )
    out = io.BytesIO()
    if has_alpha:
        picture = picture.convert("RGBA")
        picture.save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        picture = picture.convert("RGB")
        picture.save(out, format="JPEG", quality=85, optimize=True, progressive=True)
        content_type, extension = "image/jpeg", "jpg"
    return AvatarImage(
        data=out.getvalue(),
        content_type=content_type,
        extension=extension,
        width=picture.width,
        height=picture.height,
    )
