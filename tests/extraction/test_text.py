"""Cleaning pasted pages and splitting sentences."""

from __future__ import annotations

from tracker.press.extraction.text import clean, split_sentences, strip_html


def test_abbreviations_do_not_split_sentences() -> None:
    line = (
        "Kapolda Irjen Pol. Drs. Budi Santoso, M.Si. membuka rakor di Hotel M. Bahalap. "
        "Rakor berlangsung lancar."
    )
    assert len(split_sentences(line)) == 2


def test_html_entities_scripts_and_menus() -> None:
    text, title = strip_html(
        "<html><head><title>Judul | Situs</title><style>p{}</style></head><body><nav>Menu "
        "Beranda</nav><p>Rapat &amp; rakor di Palu&nbsp;hari ini.</p><script>alert(1)</script>"
        "</body></html>"
    )
    assert "Rapat & rakor" in text
    assert "Menu" not in text and "alert" not in text and "Situs" not in text
    assert title == "Judul"


def test_related_lists_and_headline_feeds_are_dropped() -> None:
    doc = clean(
        "Rakor Forkopimda digelar di Ambon hari ini.\n"
        "RELATED POSTS\n"
        "DPRD Maluku Gelar Paripurna\n"
        "Kejati Maluku Tahan Tersangka\n"
        "Rapat dihadiri Kapolda Maluku.\n"
        "Baca Juga: Bawaslu Jatim Awasi Kampanye\n"
        "-\n"
        "AMBON 2 hari ago\n"
        "KPU Maluku Tetapkan DPT\n"
    )
    body = doc.body
    assert "Rapat dihadiri Kapolda Maluku." in body
    for noise in ("Paripurna", "Tahan Tersangka", "Bawaslu Jatim", "KPU Maluku"):
        assert noise not in body
