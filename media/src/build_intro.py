#!/usr/bin/env python3
"""Build the intro video "Wat is evidence based werken?" from media/src/intro-ebw.script.yaml.

Build-time tool only (run with `make media`, i.e. `.venv/bin/python media/src/build_intro.py`).
Needs Pillow and PyYAML in the virtualenv and the system tools espeak-ng, ffmpeg and ffprobe.

Steps:
1. draw every slide as a 1280x720 PNG with Pillow;
2. speak every narration line separately with espeak-ng, so its exact length is known;
3. join the lines (short pauses between lines, longer ones between slides) into one narration track,
   padded per slide to a whole number of video frames so picture and sound stay in step;
4. write the WebVTT captions (one cue per narration line, timed to the sample, broken into at most
   two lines of at most 42 characters: common subtitle practice);
5. encode WebM (VP9/Opus) and MP4 (H.264/AAC), each slide shown exactly as long as its narration;
6. write the poster (title slide), the Markdown transcript and the metadata YAML
   (duration measured with ffprobe).

Outputs (in media/): intro-ebw.webm, intro-ebw.mp4, intro-ebw.nl.vtt, intro-ebw.poster.png,
intro-ebw.transcript.md, intro-ebw.yaml. Intermediate files go to a temporary directory
unless --workdir is given.
"""

from __future__ import annotations

import argparse
import array
import json
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from PIL import Image, ImageDraw, ImageFont

SRC_DIR = Path(__file__).resolve().parent
MEDIA_DIR = SRC_DIR.parent
SCRIPT_FILE = SRC_DIR / "intro-ebw.script.yaml"

# Canvas and timing.
WIDTH, HEIGHT = 1280, 720
FPS = 15
LINE_PAUSE = 0.3  # silence between two narration lines of one slide (s)
SLIDE_LEAD = 0.5  # silence at the start of a slide, before its first line (s)
SLIDE_TAIL = 0.7  # minimum silence at the end of a slide (s); padded up to a whole frame
SILENCE_THRESHOLD = 300  # |sample| below this counts as silence when trimming espeak output
TRIM_MARGIN = 0.04  # keep this much silence around the trimmed speech (s)

# Captions: at most CAPTION_MAX_LINES lines of at most CAPTION_LINE_LENGTH characters per cue.
CAPTION_LINE_LENGTH = 42
CAPTION_MAX_LINES = 2
# Words a caption line should not end with (they belong with the next word).
CAPTION_GLUE_WORDS = {"de", "het", "een", "je", "van", "te", "om", "op", "in", "naar", "met", "voor", "leer"}

# Colours (Rijkshuisstijl-like, calm and high contrast).
LINTBLAUW = (0x15, 0x42, 0x73)
DONKERBLAUW = (0x01, 0x68, 0x9B)
BACKGROUND = (0xFF, 0xFF, 0xFF)
LIGHT_PANEL = (0xF1, 0xF5, 0xF9)
TEXT = (0x1A, 0x1A, 0x1A)
MUTED = (0x4A, 0x4A, 0x4A)  # still > 8:1 on white
WHITE = (0xFF, 0xFF, 0xFF)

MARGIN = 72
BAND_HEIGHT = 128
FOOTER_Y = 668

FONT_DIR = Path("/usr/share/fonts/truetype")
FONT_CANDIDATES = {
    "regular": [
        "noto/NotoSans-Regular.ttf",
        "liberation/LiberationSans-Regular.ttf",
        "dejavu/DejaVuSans.ttf",
    ],
    "bold": [
        "noto/NotoSans-Bold.ttf",
        "liberation/LiberationSans-Bold.ttf",
        "dejavu/DejaVuSans-Bold.ttf",
    ],
}


# --------------------------------------------------------------------------------------------- fonts


def _find_font_file(style: str) -> Path | None:
    for rel in FONT_CANDIDATES[style]:
        path = FONT_DIR / rel
        if path.is_file():
            return path
    # Fall back to any sans-serif TrueType font on the system.
    pattern = "*Sans*Bold.ttf" if style == "bold" else "*Sans*Regular.ttf"
    found = sorted(p for p in FONT_DIR.rglob(pattern) if "Mono" not in p.name)
    return found[0] if found else None


_FONT_FILES = {style: _find_font_file(style) for style in FONT_CANDIDATES}
_FONT_CACHE: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def font(style: str, size: int) -> ImageFont.FreeTypeFont:
    key = (style, size)
    if key not in _FONT_CACHE:
        path = _FONT_FILES[style] or _FONT_FILES["regular"]
        if path is None:
            # Pillow >= 10.1 ships a scalable default font.
            _FONT_CACHE[key] = ImageFont.load_default(size=size)
        else:
            _FONT_CACHE[key] = ImageFont.truetype(str(path), size)
    return _FONT_CACHE[key]


def wrap(text: str, fnt: ImageFont.FreeTypeFont, max_width: float) -> list[str]:
    """Greedy word wrap by measured pixel width."""
    lines: list[str] = []
    current = ""
    words: list[str] = []
    for word in text.split():
        # Keep initials such as "A.G." on one line with the next word.
        if words and re.fullmatch(r"(?:[A-Z]\.)+", words[-1]):
            words[-1] += " " + word
        else:
            words.append(word)
    for word in words:
        candidate = f"{current} {word}".strip()
        if not current or fnt.getlength(candidate) <= max_width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


# -------------------------------------------------------------------------------------------- script


@dataclass
class Slide:
    number: int
    title: str
    kind: str = "bullets"
    bullets: list = field(default_factory=list)
    timeline: list = field(default_factory=list)
    narration: list[str] = field(default_factory=list)

    def screen_lines(self) -> list[str]:
        """What is on screen, as plain text lines (for the transcript)."""
        lines = []
        for b in self.bullets:
            lines.append(f"{b['label']}: {b['text']}" if isinstance(b, dict) else str(b))
        for step in self.timeline:
            lines.append(f"{step['when']}: {step['what']}. {step['question']}")
        return lines


def load_script(path: Path = SCRIPT_FILE) -> tuple[dict, list[Slide]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    slides = []
    for i, raw in enumerate(data["slides"], start=1):
        slide = Slide(
            number=i,
            title=raw["title"],
            kind=raw.get("kind", "bullets"),
            bullets=raw.get("bullets", []) or [],
            timeline=raw.get("timeline", []) or [],
            narration=[str(s).strip() for s in raw["narration"]],
        )
        if not slide.narration:
            raise SystemExit(f"slide {i} ({slide.title!r}) has no narration")
        for line in slide.narration:
            if caption_lines(line) is None:
                raise SystemExit(
                    f"slide {i}: narration line does not fit one caption of {CAPTION_MAX_LINES} lines of "
                    f"{CAPTION_LINE_LENGTH} characters ({len(line)}): {line}"
                )
        slides.append(slide)
    return data, slides


# -------------------------------------------------------------------------------------------- slides


def _draw_footer(draw: ImageDraw.ImageDraw, footer: str, number: int, total: int, on_dark=False) -> None:
    colour = WHITE if on_dark else MUTED
    draw.line([(MARGIN, FOOTER_Y - 14), (WIDTH - MARGIN, FOOTER_Y - 14)], fill=DONKERBLAUW, width=2)
    f = font("regular", 22)
    draw.text((MARGIN, FOOTER_Y), footer, font=f, fill=colour)
    label = f"{number} / {total}"
    draw.text((WIDTH - MARGIN - f.getlength(label), FOOTER_Y), label, font=f, fill=colour)


def _draw_title_band(draw: ImageDraw.ImageDraw, title: str) -> None:
    draw.rectangle([0, 0, WIDTH, BAND_HEIGHT], fill=LINTBLAUW)
    draw.rectangle([0, BAND_HEIGHT, WIDTH, BAND_HEIGHT + 6], fill=DONKERBLAUW)
    size = 50
    while size > 30 and font("bold", size).getlength(title) > WIDTH - 2 * MARGIN:
        size -= 2
    f = font("bold", size)
    # Vertically centre on the cap height.
    top, bottom = f.getbbox("Hg")[1], f.getbbox("Hg")[3]
    draw.text((MARGIN, (BAND_HEIGHT - (bottom - top)) // 2 - top), title, font=f, fill=WHITE)


def draw_title_slide(slide: Slide, total: int, footer: str) -> Image.Image:
    img = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(img)
    band_bottom = 400
    draw.rectangle([0, 0, WIDTH, band_bottom], fill=LINTBLAUW)
    draw.rectangle([0, band_bottom, WIDTH, band_bottom + 8], fill=DONKERBLAUW)
    subtitle, *rest = [str(b) for b in slide.bullets] or [""]
    # Small kicker above the title.
    f_kicker = font("regular", 30)
    draw.text((MARGIN, 110), subtitle, font=f_kicker, fill=WHITE)
    f_title = font("bold", 68)
    y = 170
    for line in wrap(slide.title, f_title, WIDTH - 2 * MARGIN):
        draw.text((MARGIN, y), line, font=f_title, fill=WHITE)
        y += 86
    y = band_bottom + 52
    f_sub = font("bold", 34)
    f_org = font("regular", 28)
    for i, line in enumerate(rest):
        fnt = f_sub if i == 0 else f_org
        for part in wrap(line, fnt, WIDTH - 2 * MARGIN):
            draw.text((MARGIN, y), part, font=fnt, fill=LINTBLAUW if i == 0 else TEXT)
            y += int(fnt.size * 1.35)
        y += 14
    _draw_footer(draw, footer, slide.number, total)
    return img


def _layout_bullets(bullets: list, size: int, max_width: int) -> tuple[list, int]:
    """Return drawing instructions and the total height for the bullets at a font size."""
    ops = []
    y = 0
    line_h = int(size * 1.32)
    gap = int(size * 0.7)
    for b in bullets:
        if isinstance(b, dict):
            # A labelled bullet: bold blue label, then the explanation.
            lf = font("bold", size)
            for part in wrap(b["label"], lf, max_width):
                ops.append((y, part, lf, DONKERBLAUW))
                y += line_h
            tf = font("regular", size)
            for part in wrap(b["text"], tf, max_width):
                ops.append((y, part, tf, TEXT))
                y += line_h
        else:
            tf = font("regular", size)
            for part in wrap(str(b), tf, max_width):
                ops.append((y, part, tf, TEXT))
                y += line_h
        ops.append((y, None, None, None))  # end-of-bullet marker
        y += gap
    return ops, y - gap


def draw_bullet_slide(slide: Slide, total: int, footer: str) -> Image.Image:
    img = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(img)
    _draw_title_band(draw, slide.title)
    text_x = MARGIN + 44
    max_width = WIDTH - text_x - MARGIN
    top, bottom = BAND_HEIGHT + 56, FOOTER_Y - 40
    size = 38
    while True:
        ops, height = _layout_bullets(slide.bullets, size, max_width)
        if height <= bottom - top or size <= 24:
            break
        size -= 2
    y0 = top
    bullet_start = True
    for y, text, fnt, colour in ops:
        if text is None:
            bullet_start = True
            continue
        if bullet_start:
            # Square bullet marker, aligned with the first line's x-height.
            cap_top = fnt.getbbox("x")[1]
            cap_bottom = fnt.getbbox("x")[3]
            mid = y0 + y + (cap_top + cap_bottom) // 2
            s = max(10, size // 3)
            draw.rectangle([MARGIN + 6, mid - s // 2, MARGIN + 6 + s, mid + s // 2], fill=DONKERBLAUW)
            bullet_start = False
        draw.text((text_x, y0 + y), text, font=fnt, fill=colour)
    _draw_footer(draw, footer, slide.number, total)
    return img


def draw_timeline_slide(slide: Slide, total: int, footer: str) -> Image.Image:
    img = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(img)
    _draw_title_band(draw, slide.title)
    steps = slide.timeline
    n = len(steps)
    line_y = 330
    left, right = MARGIN + 20, WIDTH - MARGIN - 20
    # Time axis with an arrow head.
    draw.line([(left, line_y), (right - 10, line_y)], fill=LINTBLAUW, width=6)
    draw.polygon([(right + 8, line_y), (right - 22, line_y - 18), (right - 22, line_y + 18)], fill=LINTBLAUW)
    col_w = (right - left) / n
    f_when = font("regular", 30)
    f_what = font("bold", 34)
    f_q = font("regular", 28)
    for i, step in enumerate(steps):
        cx = int(left + col_w * (i + 0.5))
        # Moment above the line.
        when_lines = wrap(step["when"], f_when, col_w - 30)
        y = line_y - 40 - len(when_lines) * 38
        for part in when_lines:
            draw.text((cx - f_when.getlength(part) / 2, y), part, font=f_when, fill=TEXT)
            y += 38
        # Marker with the step number.
        r = 24
        draw.ellipse([cx - r, line_y - r, cx + r, line_y + r], fill=DONKERBLAUW, outline=WHITE, width=3)
        num = str(i + 1)
        f_num = font("bold", 26)
        bb = f_num.getbbox(num)
        draw.text((cx - (bb[2] + bb[0]) / 2, line_y - (bb[3] + bb[1]) / 2), num, font=f_num, fill=WHITE)
        # Evaluation type and its question in a light panel below the line.
        px0, px1 = int(cx - col_w / 2 + 12), int(cx + col_w / 2 - 12)
        draw.rounded_rectangle([px0, line_y + 48, px1, line_y + 270], radius=10, fill=LIGHT_PANEL)
        draw.rectangle([px0, line_y + 48, px1, line_y + 54], fill=DONKERBLAUW)
        y = line_y + 76
        for part in wrap(step["what"], f_what, px1 - px0 - 40):
            draw.text((cx - f_what.getlength(part) / 2, y), part, font=f_what, fill=LINTBLAUW)
            y += 46
        y += 10
        for part in wrap(step["question"], f_q, px1 - px0 - 40):
            draw.text((cx - f_q.getlength(part) / 2, y), part, font=f_q, fill=TEXT)
            y += 38
    _draw_footer(draw, footer, slide.number, total)
    return img


def draw_slide(slide: Slide, total: int, footer: str) -> Image.Image:
    if slide.kind == "title":
        return draw_title_slide(slide, total, footer)
    if slide.kind == "timeline":
        return draw_timeline_slide(slide, total, footer)
    return draw_bullet_slide(slide, total, footer)


# ------------------------------------------------------------------------------------------- speech


def spoken_form(text: str, pronunciation: dict[str, str]) -> str:
    """Apply the pronunciation respellings (longest first, whole words only)."""
    for written in sorted(pronunciation, key=len, reverse=True):
        pattern = r"(?<![\w.])" + re.escape(written) + r"(?![\w])"
        text = re.sub(pattern, pronunciation[written], text)
    return text


def speak(text: str, out: Path, voice: str, speed: int) -> tuple[array.array, int]:
    """Speak one line with espeak-ng; return trimmed 16-bit mono samples and the sample rate."""
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(out), "--", text],
        check=True,
        capture_output=True,
    )
    with wave.open(str(out), "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2:
            raise SystemExit(f"unexpected espeak-ng output format in {out}")
        rate = w.getframerate()
        samples = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    # Trim leading and trailing silence, keeping a small margin.
    start = next((i for i, s in enumerate(samples) if abs(s) > SILENCE_THRESHOLD), 0)
    end = next(
        (i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > SILENCE_THRESHOLD), len(samples) - 1
    )
    margin = int(TRIM_MARGIN * rate)
    start, end = max(0, start - margin), min(len(samples), end + 1 + margin)
    return samples[start:end], rate


@dataclass
class Cue:
    start: float
    end: float
    text: str


def build_narration(slides: list[Slide], meta: dict, work: Path) -> tuple[Path, list[int], list[Cue], int]:
    """Speak all lines; return the narration wav, frames per slide, caption cues and the sample rate."""
    voice, speed = meta.get("voice", "nl"), int(meta.get("speed", 150))
    pronunciation = {str(k): str(v) for k, v in (meta.get("pronunciation") or {}).items()}
    track = array.array("h")
    rate = None
    frames_per_slide: list[int] = []
    cues: list[Cue] = []
    for slide in slides:
        slide_start = len(track)
        for j, line in enumerate(slide.narration):
            samples, r = speak(
                spoken_form(line, pronunciation), work / f"s{slide.number:02d}_{j:02d}.wav", voice, speed
            )
            if rate is None:
                rate = r
                if rate % FPS:
                    raise SystemExit(f"sample rate {rate} is not a multiple of {FPS} fps")
            elif r != rate:
                raise SystemExit("espeak-ng changed its sample rate between lines")
            pause = SLIDE_LEAD if j == 0 else LINE_PAUSE
            track.extend(array.array("h", bytes(2 * int(pause * rate))))
            start = len(track)
            track.extend(samples)
            cues.append(Cue(start / rate, len(track) / rate, line))
        # Pad the slide to a whole number of video frames, with at least SLIDE_TAIL of silence.
        per_frame = rate // FPS
        length = len(track) - slide_start + int(SLIDE_TAIL * rate)
        frames = -(-length // per_frame)
        track.extend(array.array("h", bytes(2 * (slide_start + frames * per_frame - len(track)))))
        frames_per_slide.append(frames)
    if sys.byteorder == "big":
        track.byteswap()
    wav_path = work / "narration.wav"
    with wave.open(str(wav_path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(track.tobytes())
    return wav_path, frames_per_slide, cues, rate


# ------------------------------------------------------------------------------------------ outputs


def vtt_time(t: float) -> str:
    ms = int(round(t * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def caption_lines(text: str) -> list[str] | None:
    """Break a caption into at most two lines of at most CAPTION_LINE_LENGTH characters.

    One line when it fits; otherwise the break (at a space) that keeps both lines within the limit and
    makes the longer line shortest, preferring a break after punctuation. None when the text does not fit.
    """
    text = " ".join(text.split())
    if len(text) <= CAPTION_LINE_LENGTH:
        return [text]
    if CAPTION_MAX_LINES < 2:
        return None
    best: tuple[tuple[int, int], list[str]] | None = None
    for pos, char in enumerate(text):
        if char != " ":
            continue
        first, second = text[:pos], text[pos + 1 :]
        if len(first) > CAPTION_LINE_LENGTH or len(second) > CAPTION_LINE_LENGTH:
            continue
        after_punctuation = first[-1] in ",.:;?!"
        after_small_word = first.rsplit(" ", 1)[-1].lower() in CAPTION_GLUE_WORDS
        # Rank: a break after punctuation gets 8 characters of slack, a break right after an article or
        # preposition costs 8; then the shorter longest line.
        slack = (8 if after_punctuation else 0) - (8 if after_small_word else 0)
        key = (max(len(first), len(second)) - slack, len(first))
        if best is None or key < best[0]:
            best = (key, [first, second])
    return best[1] if best else None


def write_vtt(cues: list[Cue], path: Path) -> None:
    out = ["WEBVTT", ""]
    for i, cue in enumerate(cues, start=1):
        lines = caption_lines(cue.text)
        if lines is None:
            raise SystemExit(f"caption does not fit {CAPTION_MAX_LINES} lines: {cue.text}")
        out += [str(i), f"{vtt_time(cue.start)} --> {vtt_time(cue.end)}", *lines, ""]
    path.write_text("\n".join(out), encoding="utf-8")


def format_duration(seconds: float) -> str:
    total = int(round(seconds))
    return f"{total // 60}:{total % 60:02d}"


def write_transcript(meta: dict, slides: list[Slide], duration: float, path: Path) -> None:
    out = [
        f"Uitgeschreven tekst van de video \u201c{meta['title']}\u201d (duur {format_duration(duration)} minuten). "
        "De video bestaat uit dia's met een gesproken toelichting. "
        "Per dia staat hieronder wat er op het scherm staat en wat de stem vertelt.",
        "",
    ]
    for slide in slides:
        out += [f"## {slide.title}", "", f"**Op het scherm (dia {slide.number} van {len(slides)}):**", ""]
        if slide.kind == "title":
            out.append(f"- {slide.title}")
        out += [f"- {line}" for line in slide.screen_lines()]
        if slide.kind == "timeline":
            out.append("- Een tijdlijn van links naar rechts met deze drie momenten.")
        out += ["", "**Gesproken tekst:**", "", " ".join(slide.narration), ""]
    path.write_text("\n".join(out), encoding="utf-8")


def ffprobe_duration(path: Path) -> float:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(json.loads(result.stdout)["format"]["duration"])


def encode(slide_pngs: list[Path], frames: list[int], narration: Path, out: Path, codec: str) -> None:
    cmd = ["ffmpeg", "-y", "-hide_banner", "-loglevel", "error", "-nostdin"]
    for png, n in zip(slide_pngs, frames, strict=True):
        # Loop the still; trim below cuts it to exactly n frames. -t only keeps the input finite.
        cmd += ["-loop", "1", "-framerate", str(FPS), "-t", f"{(n + 2) / FPS:.4f}", "-i", str(png)]
    cmd += ["-i", str(narration)]
    chains = [f"[{i}:v]trim=end_frame={n},setpts=PTS-STARTPTS[v{i}]" for i, n in enumerate(frames)]
    joined = "".join(f"[v{i}]" for i in range(len(frames)))
    graph = ";".join(chains) + f";{joined}concat=n={len(frames)}:v=1:a=0,format=yuv420p[v]"
    cmd += ["-filter_complex", graph, "-map", "[v]", "-map", f"{len(frames)}:a", "-r", str(FPS)]
    cmd += ["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]
    gop = ["-g", str(FPS * 20)]  # a key frame at least every 20 s (and at slide changes) for seeking
    if codec == "webm":
        cmd += "-c:v libvpx-vp9 -b:v 0 -crf 40 -deadline good -cpu-used 4 -row-mt 1".split() + gop
        cmd += "-c:a libopus -b:a 32k -ac 1 -ar 48000".split()
    else:
        cmd += "-c:v libx264 -preset veryfast -crf 28 -tune stillimage -pix_fmt yuv420p".split() + gop
        cmd += "-c:a aac -b:a 48k -ac 1 -ar 44100 -movflags +faststart".split()
    cmd.append(str(out))
    subprocess.run(cmd, check=True)


def write_metadata(meta: dict, duration: float, path: Path) -> None:
    data = {
        "title": meta["title"],
        "duration": round(duration, 1),
        "description": " ".join(meta["description"].split()),
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")


# --------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, help="keep intermediate files (slides, wavs) here")
    parser.add_argument("--slides-only", action="store_true", help="only draw the slide PNGs into --workdir")
    args = parser.parse_args(argv)

    for tool in ("espeak-ng", "ffmpeg", "ffprobe"):
        if not args.slides_only and shutil.which(tool) is None:
            raise SystemExit(f"{tool} not found: apt-get install -y ffmpeg espeak-ng")

    meta, slides = load_script()
    name = meta.get("name", "intro-ebw")
    footer = meta.get("footer", "")

    with tempfile.TemporaryDirectory(prefix="ebw-media-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)

        pngs = []
        for slide in slides:
            png = work / f"slide{slide.number:02d}.png"
            draw_slide(slide, len(slides), footer).save(png, optimize=True)
            pngs.append(png)
        print(f"drew {len(pngs)} slides ({_FONT_FILES['regular'] or 'Pillow default font'})")
        if args.slides_only:
            return 0

        narration, frames, cues, rate = build_narration(slides, meta, work)
        total = sum(frames) / FPS
        print(f"narration: {len(cues)} lines, {total:.1f} s at {rate} Hz")
        for slide, n in zip(slides, frames, strict=True):
            print(f"  slide {slide.number:2d}: {n / FPS:5.1f} s  {slide.title}")

        write_vtt(cues, MEDIA_DIR / f"{name}.nl.vtt")
        shutil.copyfile(pngs[0], MEDIA_DIR / f"{name}.poster.png")
        for ext in ("webm", "mp4"):
            encode(pngs, frames, narration, MEDIA_DIR / f"{name}.{ext}", ext)

    durations = {ext: ffprobe_duration(MEDIA_DIR / f"{name}.{ext}") for ext in ("webm", "mp4")}
    if max(abs(d - total) for d in durations.values()) > 0.5:
        raise SystemExit(f"encoded durations {durations} differ from the narration ({total:.2f} s)")
    duration = durations["mp4"]
    write_metadata(meta, duration, MEDIA_DIR / f"{name}.yaml")
    write_transcript(meta, slides, duration, MEDIA_DIR / f"{name}.transcript.md")

    for suffix in (".webm", ".mp4", ".nl.vtt", ".poster.png", ".transcript.md", ".yaml"):
        path = MEDIA_DIR / f"{name}{suffix}"
        print(f"{path.relative_to(MEDIA_DIR.parent)}: {path.stat().st_size / 1024:.0f} KiB")
    print(f"duration: {duration:.2f} s (webm {durations['webm']:.2f} s, mp4 {durations['mp4']:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
