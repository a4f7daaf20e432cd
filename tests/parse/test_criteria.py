"""Criteria matching: near-identical wordings merge, distinct criteria stay apart."""

from __future__ import annotations

from beskgraph.parse.criteria import cluster_criteria, criterion_key, neutral_statement

THIRTY_YES = (
    "I mindst 9 ud af 10 samtaler er der afsat mindst 30 minutter til at afholde "
    "samtaler med hver borger i jobkonsulentens kalender"
)
FIFTEEN_YES = (
    "I mindst 9 ud af 10 samtaler er der afsat mindst 15 minutters målrettet "
    "forberedelsestid i jobkonsulentens kalender på dagen for mødet eller dagen før mødet"
)
FIFTEEN_NO = (
    "I færre end 7 ud af 10 samtaler er der afsat mindst 15 minutters målrettet "
    "forberedelsestid til hver borger i jobkonsulentens kalender på dagen for mødet "
    "eller dagen før mødet"
)
FOLLOW_UP_YES = (
    "Jobcenteret har en fast praksis, der sikrer at mindst 9 ud af 10 jobkonsulenter/"
    "virksomhedskonsulenter, altid følger op på de fastlagte mål og mulighederne for "
    "ordinær ansættelse, med både borger og virksomhed, i god tid inden forløbets afslutning."
)
FOLLOW_UP_NO = (
    "Jobcenteret har ikke en fast praksis, der sikrer at mindst 7 ud af 10 jobkonsulenter/"
    "virksomhedskonsulenter, altid følger op på de fastlagte mål og mulighederne for "
    "ordinær ansættelse, med både borger og virksomhed, i god tid inden forløbets afslutning."
)
BAROMETER_PREPARE = (
    "Færre end 7 ud af 10 jobkonsulenter bruger Jobbarometer, Virksomhedsoverblik og "
    "Arbejdsmarkedsbalancen, i forberedelsen til samtalen, med borgeren."
)
BAROMETER_FIRMS = (
    "Færre end 7 ud af 10 jobkonsulenter/virksomhedskonsulenter bruger systematisk "
    "it-værktøjerne Jobbarometer, Virksomhedsoverblik og Arbejds-markedsbalancen til at "
    "udsøge virksomheder, der er relevante at samarbejde med"
)
TRAINED = "Mindst 9 ud af 10 jobkonsulenter uddannes systematisk i at bruge Jobnet CV, Joblog og Min Plan"
USE_TOOLS = (
    "Jobcenteret har en fast praksis, som sikrer at mindst 9 ud af 10 jobkonsulenter, altid "
    "bruger it-værktøjerne Jobnet CV, Joblog og Min Plan, i deres forberedelse af samtaler med borgerne"
)


def clusters(*texts: str, kind: str = "evidence"):
    index = cluster_criteria((kind, criterion_key(t)) for t in texts)
    return [index[(kind, criterion_key(t))] for t in texts]


def test_threshold_wordings_of_one_criterion_merge():
    yes, no = clusters(FIFTEEN_YES, FIFTEEN_NO)
    assert yes is no
    positive, negative = clusters(FOLLOW_UP_YES, FOLLOW_UP_NO)
    assert positive is negative


def test_key_drops_threshold_negation_and_scaffolding():
    assert criterion_key(FOLLOW_UP_YES) == criterion_key(FOLLOW_UP_NO)
    assert "9" not in criterion_key(THIRTY_YES).split()
    assert criterion_key(BAROMETER_FIRMS).count("arbejdsmarkedsbalancen") == 1


def test_distinct_criteria_stay_apart_even_when_they_share_words():
    thirty, fifteen = clusters(THIRTY_YES, FIFTEEN_YES)
    assert thirty is not fifteen
    prepare, firms = clusters(BAROMETER_PREPARE, BAROMETER_FIRMS)
    assert prepare is not firms
    trained, tools = clusters(TRAINED, USE_TOOLS)
    assert trained is not tools


def test_wordings_that_state_different_numbers_are_two_criteria():
    """One digit apart, every other word shared: "hver 2. uge" is not "hver 4. uge" (the one
    card's answer was matched to the other's criterion)."""
    every_second = "Mindst 9 ud af 10 borgere får samtaler hver 2. uge"
    every_fourth, every_fourth_no = (
        "Mindst 9 ud af 10 borgere får samtaler hver 4. uge",
        ("Færre end 7 ud af 10 borgere får samtaler hver 4. uge"),
    )
    second, fourth, fourth_no = clusters(every_second, every_fourth, every_fourth_no)
    assert second is not fourth and fourth is fourth_no
    assert neutral_statement(every_second) == "X ud af 10 borgere får samtaler hver 2. uge"


def test_a_threshold_or_a_number_in_words_keeps_one_criterion():
    """Numbers tell criteria apart only where both wordings state some, beyond the threshold."""
    pairs = [
        (
            "Mindst 9 ud af 10 borgere får en samtale inden for 6 uger",
            "Færre end 7 ud af 10 borgere får en samtale inden for seks uger",
        ),
        (
            "I 9 ud af 10 samtaler er der afsat 30 minutter til borgeren",
            "Færre end 7 ud af 10 samtaler er der afsat 30 minutter til borgeren",
        ),
        (
            "Mindst 9 af 10 borgere får en samtale i jobcentret hver måned",
            "Færre end 7 af 10 borgere får en samtale i jobcentret hver måned",
        ),
        (
            "I 90 % af samtalerne er der afsat forberedelsestid i kalenderen",
            "I 70 % af samtalerne er der afsat forberedelsestid i kalenderen",
        ),
        (
            "Mindst 9/10 borgere har en fast kontaktperson på virksomheden",
            "7/10 borgere har en fast kontaktperson på virksomheden",
        ),
        (  # a time the threshold counts in
            "Borgerne har samtaler med jobkonsulenten mindst 3 dage om ugen",
            "Borgerne har samtaler med jobkonsulenten færre end 2 dage om ugen",
        ),
        (  # a time one wording names besides those of the other
            "Borgere får en samtale i jobcentret inden for de første 6 uger (42 dage)",
            "Borgere får en samtale i jobcentret inden for de første 6 uger",
        ),
        (
            "Ledige under 30 år og over 50 år får en samtale i jobcentret hver måned",
            "Ledige under 30 og over 50 år får en samtale i jobcentret hver måned",
        ),
    ]
    for first, second in pairs:
        one, other = clusters(first, second)
        assert one is other, (first, second)


def test_same_wording_in_different_tests_is_two_criteria():
    index = cluster_criteria(
        [("evidence", criterion_key(TRAINED)), ("good-practice", criterion_key(TRAINED))]
    )
    assert index[("evidence", criterion_key(TRAINED))] is not index[("good-practice", criterion_key(TRAINED))]


def test_clustering_does_not_depend_on_input_order():
    texts = [FIFTEEN_NO, THIRTY_YES, FIFTEEN_YES, BAROMETER_FIRMS, BAROMETER_PREPARE]
    forward = cluster_criteria(("evidence", criterion_key(t)) for t in texts)
    backward = cluster_criteria(("evidence", criterion_key(t)) for t in reversed(texts))
    assert {k: v.representative for k, v in forward.items()} == {
        k: v.representative for k, v in backward.items()
    }


def test_neutral_statement_leaves_the_threshold_open():
    assert neutral_statement(THIRTY_YES).startswith("I x ud af 10 samtaler er der afsat mindst 30 minutter")
    assert neutral_statement(FOLLOW_UP_NO).startswith(
        "Jobcenteret har en fast praksis, der sikrer at x ud af 10"
    )
