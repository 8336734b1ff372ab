"""Property tests: no input crashes the extractor, and the contract keys are always there."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.press.extraction import KEYS, extract

TOKENS = st.sampled_from(
    [
        "Selasa",
        "(6/2/2024)",
        "Jum'at",
        "pukul",
        "09.00",
        "WIB",
        "WITA",
        "WIT",
        "Kapolda",
        "Kaltim",
        "Pangdam",
        "XVI/Pattimura",
        "Rakor",
        "dipimpin",
        "di",
        "Hotel",
        ",",
        ".",
        "“",
        "”",
        "H-3",
        "delapan",
        "hari",
        "lagi",
        "se-",
        "<p>",
        "</p>",
        "<script>",
        "&amp;",
        "BACA JUGA",
        "\n",
        "Ketua KPU",
        "dan",
        "Bawaslu",
        "Kota",
        "Kabupaten",
        "(",
        ")",
        "/",
        "31/2/2024",
        "99.99",
        "Kodim 0906",
        "Danrem 181",
        "mantan",
        "akan",
        "besok",
    ]
)
settings.register_profile("extraction", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("extraction")


def _check(result: dict) -> None:
    assert set(KEYS) <= set(result)
    assert isinstance(result["agencies"], list)
    assert isinstance(result["warnings"], list)
    for w in result["warnings"]:
        assert {"code", "message", "suggested_date"} <= set(w)


@given(st.text(max_size=3000))
def test_random_unicode(text: str) -> None:
    _check(extract(text))


@given(st.lists(TOKENS, max_size=300).map(" ".join))
def test_random_genre_tokens(text: str) -> None:
    _check(extract(text))


@given(
    st.recursive(
        st.text(max_size=40),
        lambda inner: st.builds(
            lambda tag, body: f"<{tag} class='x'>{body}</{tag}>",
            st.sampled_from(["p", "div", "script", "nav", "a", "h1", "li", "style", "title"]),
            inner,
        ),
        max_leaves=30,
    )
)
def test_random_html(html: str) -> None:
    _check(extract(html))


@settings(max_examples=5)
@given(st.sampled_from(["<p>", "(", "Selasa (", "Kapolda ", "a" * 50 + "\n", "<!--"]))
def test_large_inputs(unit: str) -> None:
    text = unit * (1_000_000 // len(unit))
    _check(extract(text))


def test_non_string_and_empty_input() -> None:
    _check(extract(""))
    _check(extract("   \n  "))
    _check(extract(None))  # type: ignore[arg-type]
