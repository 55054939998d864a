"""The commands' messages wrapped to the terminal: at spaces, Chinese folded where a line is full, and a path longer
than a line kept whole on its own line (so that it can be copied), whatever the checkout's path length."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console

from transcarbon.cli.common import say, wrapped

PATH = "/a/checkout/somewhere/deep/src/transcarbon/data/cities/lianyungang_zones.geojson"


def test_a_long_path_stays_whole_on_its_own_line() -> None:
    lines = wrapped(f"no --zones: using the city's port zones {PATH} as configured", 40)
    assert lines == ["no --zones: using the city's port zones", PATH, "as configured"]


def test_words_break_at_spaces_within_the_width() -> None:
    text = "the old key stays valid for the grace period and is then refused with what to do instead"
    lines = wrapped(text, 24)
    assert all(cell_len(line) <= 24 for line in lines) and len(lines) >= 4
    assert " ".join(lines) == text  # no word cut


def test_chinese_folds_where_the_line_is_full() -> None:
    text = "未给区域：使用城市配置的港区区域，包括泊位、锚地、港区与排放控制区 " + PATH
    lines = wrapped(text, 20)
    assert lines[-1] == PATH and all(cell_len(line) <= 20 for line in lines[:-1])
    assert "".join(lines[:-1]).strip() == text.split(" ")[0]  # every character kept, in order
    assert wrapped("一行\n二行 短", 10) == ["一行", "二行 短"]


def test_say_prints_chinese_then_english_with_the_path_whole() -> None:
    buffer = io.StringIO()
    say(Console(file=buffer, width=40), "cli.ships.default_zones", path=PATH)
    lines = buffer.getvalue().splitlines()
    assert lines[0].startswith("未给 --zones") and lines.count(PATH) == 2
    assert lines.index(PATH) < next(i for i, line in enumerate(lines) if line.startswith("no --zones"))
