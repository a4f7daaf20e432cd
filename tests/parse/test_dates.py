"""Danish dates and periods: every style the correspondence uses, and OCR slips."""

from datetime import date

import pytest

from beskgraph.parse.dates import add_months, find_dates, month_number, parse_date

ANCHOR = date(2018, 8, 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31. august 2018", date(2018, 8, 31)),
        ("06-07-2018", date(2018, 7, 6)),
        ("09.07.2018", date(2018, 7, 9)),
        ("5. juli 2018", date(2018, 7, 5)),
        ("09. juli 2018", date(2018, 7, 9)),
        ("2018-08-31", date(2018, 8, 31)),
        ("2/3-2022", date(2022, 3, 2)),
        ("31. augnst 2018", date(2018, 8, 31)),  # OCR: n for u
        ("3l. august 2018", date(2018, 8, 31)),  # OCR: l for 1
        ("1O. maj 2019", date(2019, 5, 10)),  # OCR: O for 0
    ],
)
def test_single_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


def test_parse_date_rejects_prose() -> None:
    assert parse_date("Den 11. juni 2018 sendte jeg et brev") is None
    assert parse_date("Side 2/3") is None


def _one(text: str, anchor: date | None = ANCHOR):
    found = find_dates(text, anchor)
    assert len(found) == 1, found
    return found[0]


def test_day_without_year_takes_the_anchor_year() -> None:
    found = _one("senest 15. august, og")
    assert (found.start, found.kind) == (date(2018, 8, 15), "date")


def test_relative_deadline_counts_from_the_anchor() -> None:
    found = _one("Det er vores forventning, at vi senest om 6 måneder har sikret")
    assert found.start == date(2019, 2, 8)
    assert found.relative == "P6M"
    assert found.text == "senest om 6 måneder"


def test_durations_after_an_event_are_not_deadlines() -> None:
    assert find_dates("senest 3 måneder efter tilmeldingen", ANCHOR) == []
    assert find_dates("efter 12 ugers ledighed, hver 14. dag, 16 måneders ledighed", ANCHOR) == []


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2. halvår 2018", date(2018, 7, 1), date(2018, 12, 31)),
        ("i løbet af 3. kvartal 2018", date(2018, 7, 1), date(2018, 9, 30)),
        ("1. kvartal 2019", date(2019, 1, 1), date(2019, 3, 31)),
        ("Ultimo august 2018 igangsættes", date(2018, 8, 21), date(2018, 8, 31)),
        ("medio maj 2019", date(2019, 5, 11), date(2019, 5, 20)),
        ("primo februar 2019", date(2019, 2, 1), date(2019, 2, 10)),
        ("en redegørelse fra maj 2018", date(2018, 5, 1), date(2018, 5, 31)),
        ("i perioden 1. juli – 15. august 2018", date(2018, 7, 1), date(2018, 8, 15)),
        ("fra den 1. juli til 15. august gennemfører", date(2018, 7, 1), date(2018, 8, 15)),
        # days of one month, the month written once (the start was lost: 30 August alone)
        ("i perioden 19.-30. august 2019.", date(2019, 8, 19), date(2019, 8, 30)),
        ("21.–31. august", date(2018, 8, 21), date(2018, 8, 31)),
        ("fra den 21. til 31. august 2018", date(2018, 8, 21), date(2018, 8, 31)),
        # months of one year, the year written once (July was taken in the anchor's year)
        ("fuld effekt i juli/august 2020.", date(2020, 7, 1), date(2020, 8, 31)),
        ("maj - juni 2019", date(2019, 5, 1), date(2019, 6, 30)),
        ("fra oktober til december 2019", date(2019, 10, 1), date(2019, 12, 31)),
    ],
)
def test_periods(text: str, start: date, end: date) -> None:
    found = _one(text)
    assert (found.start, found.end, found.kind) == (start, end, "period")


def test_from_a_month_on_is_open_ended() -> None:
    found = _one("at vi ligger markant bedre fra oktober 2018.")
    assert (found.start, found.onwards) == (date(2018, 10, 1), True)
    assert _one("fra 2. halvår 2018 og frem").onwards
    assert not _one("fra den 1. juli til 15. august").onwards


def test_end_of_a_month_without_year() -> None:
    found = _one("fuldt ud indfasede med udgangen af september måned, med")
    assert (found.start, found.kind) == (date(2018, 9, 30), "date")


def test_bare_month_needs_a_preposition_or_year() -> None:
    assert _one("som først afsluttes i december.").start == date(2018, 12, 1)
    assert find_dates("Maj og juni er navne", None) == []
    assert _one("frem til august 2020").text == "august 2020"  # "frem" is no month
    assert find_dates("i 1.-3. klasse", ANCHOR) == []


@pytest.mark.parametrize(
    ("text", "read"),
    [  # what is no range of days or of months is read as before ranges were
        ("i perioden 30.-3. august 2018", ["3. august 2018"]),  # (a period ending before it starts)
        ("steg til 12. Til 30. juni 2019", ["30. juni 2019"]),
        ("kl. 9.-12. juni", ["12. juni"]),
        ("rykket fra december til november 2019", ["december", "november 2019"]),
        ("ultimo september - oktober 2019", ["ultimo september", "oktober 2019"]),
        ("10.-12. oktober til 5. november 2019", ["12. oktober til 5. november 2019"]),
        ("kl.10.-12. maj", ["12. maj"]),
        ("fra 15. august til december 2019", ["15. august", "december 2019"]),
        ("31. juli/august 2020", ["31. juli", "august 2020"]),
        ("den 15 marts til juni 2019", ["15 marts", "juni 2019"]),
    ],
)
def test_what_is_no_range_is_not_read_as_one(text: str, read: list[str]) -> None:
    assert [found.text for found in find_dates(text, ANCHOR)] == read


def test_a_range_after_fra_is_a_range_not_from_then_on() -> None:
    for text in ("I perioden fra 19.-30. august 2019", "fra juli-august 2020", "fra juli/august 2020"):
        assert not _one(text).onwards, text


def test_several_dates_in_order() -> None:
    found = find_dates("Den 9. april sendte jeg et brev; svar af 11. juni 2018 og 06-07-2018.", ANCHOR)
    assert [f.start for f in found] == [date(2018, 4, 9), date(2018, 6, 11), date(2018, 7, 6)]


def test_month_words() -> None:
    assert month_number("august") == 8
    assert month_number("sept") == 9
    assert month_number("septemper") == 9
    assert month_number("måneder") is None
    assert add_months(date(2018, 8, 31), 6) == date(2019, 2, 28)
