"""Danish legal citations parsed into act type, number, year, date as written, §, stk., nr."""

from beskgraph.parse.citations import find_citations


def test_consolidated_act_with_paragraph_and_subsection() -> None:
    text = "angivet i LBK nr. 1342 af 20. november 2016 § 16a, stk. 1, hvoraf det fremgår"
    (citation,) = find_citations(text, offset=100)
    assert (citation.act_type, citation.number, citation.year) == ("LBK", 1342, 2016)
    assert citation.date_text == "20. november 2016"
    assert (citation.paragraph, citation.subsection, citation.item) == ("16a", "1", None)
    assert (
        text[citation.span.start - 100 : citation.span.end - 100]
        == "LBK nr. 1342 af 20. november 2016 § 16a, stk. 1"
    )


def test_same_act_resolves_to_the_previous_act() -> None:
    text = (
        "indenfor LBK nr. 1342 af 20. november 2016 § 16a, stk. 1. Med styringsredskabet "
        "nås rettidighed i henhold til samme lovs § 16a, stk. 4."
    )
    first, second = find_citations(text)
    assert (second.act_type, second.number, second.year) == ("LBK", 1342, 2016)
    assert (second.paragraph, second.subsection) == ("16a", "4")
    assert second.text == "samme lovs § 16a, stk. 4"
    assert first.span.end <= second.span.start


def test_act_with_item() -> None:
    (citation,) = find_citations("jf. lov nr. 548 af 7. maj 2019 § 6, nr. 1 om dagpenge")
    assert (citation.act_type, citation.number, citation.year) == ("LOV", 548, 2019)
    assert (citation.paragraph, citation.subsection, citation.item) == ("6", None, "1")
    assert citation.provision == "§ 6, nr. 1"


def test_long_form_act_type_and_numeric_date() -> None:
    (first, second) = find_citations(
        "jf. lovbekendtgørelse nr. 280 af 1. marts 2024 og BEK nr. 2636 af 28/12/2021 § 1"
    )
    assert (first.act_type, first.number, first.year, first.paragraph) == ("LBK", 280, 2024, None)
    assert first.provision is None
    assert (second.act_type, second.year, second.paragraph) == ("BEK", 2021, "1")


def test_paragraph_in_same_act_after_the_paragraph() -> None:
    citations = find_citations("LOV nr. 548 af 07.05.2019 § 5. Se også § 17, stk. 2, i samme lov.")
    assert [(c.number, c.paragraph, c.subsection) for c in citations] == [(548, "5", None), (548, "17", "2")]


def test_same_act_without_a_previous_act_is_ignored() -> None:
    assert find_citations("i henhold til samme lovs § 3") == []
