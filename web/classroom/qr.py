"""QR codes of join links, drawn as SVG on the server (no network, no script in the page)."""

from __future__ import annotations

import io

import segno

#: Size of one QR module in the SVG [px] and the quiet zone around the code [modules].
QR_SCALE_PX = 8
QR_BORDER_MODULES = 2


def qr_svg(text: str) -> str:
    """An SVG image of a QR code holding ``text`` (error correction level M or better).

    Parameters
    ----------
    text
        What the code holds, e.g. an absolute join URL.

    Returns
    -------
    str
        A standalone ``<svg>`` document with a white background, without an XML declaration.
    """
    code = segno.make(text, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=QR_SCALE_PX,
        border=QR_BORDER_MODULES,
        xmldecl=False,
        light="#fff",
        dark="#000",
    )
    return buffer.getvalue().decode("utf-8")
