"""Certificate PDFs (A4 landscape) with an embedded subset of Noto Sans SC and a QR code.

The font comes from npm (`@expo-google-fonts/noto-sans-sc`, OFL) and is copied into
static/vendor/fonts by the Makefile's assets rule, so a fresh `make run` has it and nothing is
downloaded at run time. Parsing the 10 MB font for every PDF would cost ~0.25 s, so a batch first
cuts a small font holding only the characters it needs (fontTools), then fpdf2 embeds a subset of
that. The certificate itself is an official Chinese document: its wording is fixed Chinese with an
English subtitle, whatever the viewer's interface language.
"""

from __future__ import annotations

import hashlib
import string
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import qrcode
from fontTools import subset
from fontTools.ttLib import TTFont
from fpdf import FPDF

FONT_FILE = "NotoSansSC_400Regular.ttf"
FAMILY = "NotoSansSC"
_BASE_CHARS = (
    string.printable
    + "参训证明兹于年月日时分至参加了由主办的学时特此证书编号发证单位签发日期扫码验证真伪已撤销：（）「」，。·、—《》"
)


class FontMissing(RuntimeError):
    pass


def font_dir() -> Path:
    from flask import current_app

    configured = current_app.config.get("CERTIFICATE_FONT_DIR")
    if configured:
        return Path(configured)
    return Path(current_app.static_folder or "static") / "vendor" / "fonts"


def _cut(source: str, chars: str, target: str) -> None:
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "STAT", "vhea", "vmtx", "VORG", "gasp", "prep"]
    font = TTFont(source, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    font.save(target)
    font.close()


class FontSubset:
    """The font cut down to the characters a batch needs, in a temporary directory.

    One weight only (bold is drawn as fill+stroke), so each PDF parses and embeds one small font.
    Batches of documents share one cut (see `zip_certificates`, which cuts one per 100 PDFs).
    """

    def __init__(self, text: str, source_dir: Path | None = None):
        source_dir = source_dir or font_dir()
        source = source_dir / FONT_FILE
        if not source.exists():
            raise FontMissing(f"{source} is missing: run `make assets` (npm ci copies Noto Sans SC)")
        self._tmp = tempfile.TemporaryDirectory(prefix="trainhub-font-")
        chars = "".join(sorted(set(_BASE_CHARS + text)))
        digest = hashlib.sha1(chars.encode()).hexdigest()[:10]
        self.path = str(Path(self._tmp.name) / f"{FAMILY}-{digest}.ttf")
        _cut(str(source), chars, self.path)

    def new_pdf(self, orientation: str = "L") -> FPDF:
        pdf = FPDF(orientation=orientation, unit="mm", format="A4")
        pdf.set_creator("TrainHub")
        pdf.add_font(FAMILY, "", self.path)
        for font in pdf.fonts.values():
            # The cut font's glyph boxes are already right: don't re-expand every glyph when fpdf2
            # writes its own subset (several times faster).
            font.ttfont.recalcBBoxes = False  # type: ignore[union-attr]  # only TrueType fonts are added
        pdf.set_font(FAMILY, size=12)
        return pdf

    def close(self) -> None:
        self._tmp.cleanup()

    def __enter__(self) -> FontSubset:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def bold(pdf: FPDF, on: bool = True) -> None:
    """Faux bold: fill and stroke the glyphs (one font file instead of two)."""
    if on:
        pdf.set_line_width(0.25)
        pdf.text_mode = "FILL_STROKE"
    else:
        pdf.text_mode = "FILL"


@dataclass(frozen=True)
class CertificateData:
    serial: str
    name: str
    organization: str
    event_title: str
    event_date: str  # local date text, e.g. 2021年10月14日
    hours: str  # e.g. 3 or 2.5
    issuer: str
    issued_on: str
    verify_url: str
    revoked: bool = False

    def text(self) -> str:
        return "".join(
            (
                self.serial,
                self.name,
                self.organization,
                self.event_title,
                self.event_date,
                self.hours,
                self.issuer,
                self.issued_on,
                self.verify_url,
            )
        )


def chinese_date(value: datetime) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def hours_text(minutes: int | None) -> str:
    if minutes is None:
        return "0"
    hours = round(minutes / 60, 1)
    return f"{hours:g}"


def _qr_image(url: str):
    # A fixed mask: choosing the "best" of eight costs more than the rest of the page.
    qr = qrcode.QRCode(border=2, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=0)
    qr.add_data(url)
    qr.make(fit=True)
    return qr.make_image(fill_color="black", back_color="white").get_image()


def render_certificate(data: CertificateData, fonts: FontSubset) -> bytes:
    """One certificate: A4 landscape, Chinese text as real (extractable) text, QR to /verify/<code>."""
    pdf = fonts.new_pdf("L")
    pdf.set_title(f"参训证明 {data.serial}")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    width, height = pdf.w, pdf.h  # 297 x 210
    pdf.set_draw_color(150, 30, 30)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, width - 26, height - 26)

    pdf.set_text_color(150, 30, 30)
    pdf.set_draw_color(150, 30, 30)
    bold(pdf)
    pdf.set_font(FAMILY, "", 34)
    pdf.set_xy(20, 28)
    pdf.cell(width - 40, 16, "参训证明", align="C")
    bold(pdf, False)
    pdf.set_font(FAMILY, "", 12)
    pdf.set_xy(20, 45)
    pdf.cell(width - 40, 7, "Certificate of Attendance", align="C")

    pdf.set_text_color(20, 20, 20)
    pdf.set_draw_color(20, 20, 20)
    bold(pdf)
    pdf.set_font(FAMILY, "", 22)
    pdf.set_xy(30, 62)
    pdf.cell(width - 60, 12, data.name, align="C")
    bold(pdf, False)
    pdf.set_font(FAMILY, "", 13)
    pdf.set_xy(30, 75)
    pdf.cell(width - 60, 8, data.organization, align="C")

    body = (
        f"兹证明 {data.name} 于 {data.event_date} 参加了由 {data.issuer} 主办的"
        f"「{data.event_title}」，参训 {data.hours} 学时。特此证明。"
    )
    pdf.set_font(FAMILY, "", 15)
    pdf.set_xy(40, 92)
    pdf.multi_cell(width - 80, 10, body, align="C")

    pdf.set_font(FAMILY, "", 12)
    pdf.set_xy(30, 150)
    pdf.cell(150, 7, f"证书编号：{data.serial}")
    pdf.set_xy(30, 158)
    pdf.cell(150, 7, f"发证单位：{data.issuer}")
    pdf.set_xy(30, 166)
    pdf.cell(150, 7, f"签发日期：{data.issued_on}")
    pdf.set_font(FAMILY, "", 9)
    pdf.set_xy(30, 176)
    pdf.cell(170, 6, f"扫码验证真伪：{data.verify_url}")

    pdf.image(_qr_image(data.verify_url), x=width - 75, y=132, w=45, h=45)
    if data.revoked:
        pdf.set_text_color(200, 0, 0)
        pdf.set_draw_color(200, 0, 0)
        bold(pdf)
        pdf.set_font(FAMILY, "", 40)
        pdf.set_xy(20, 118)
        pdf.cell(width - 40, 20, "已撤销 REVOKED", align="C")
    return bytes(pdf.output())
