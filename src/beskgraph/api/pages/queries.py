"""Every SPARQL query the pages run, in one place.

The graph model grows (more document kinds, statuses, orders); so every fact a page
merely shows is OPTIONAL, and a page of a node that lacks it shows less, never fails.
``{node}`` and the like are filled with :func:`fill` (IRIs checked and bracketed).
"""

from __future__ import annotations

from collections.abc import Iterable

from beskgraph.store.terms import sparql_iri
from beskgraph.vocabulary import sparql_prefixes

PROLOGUE = sparql_prefixes()


def fill(template: str, **iris: str) -> str:
    """The query with each ``{name}`` replaced by ``<iri>`` (validated)."""
    return PROLOGUE + template.format(**{name: sparql_iri(iri) for name, iri in iris.items()})


def values(iris: Iterable[str]) -> str:
    """A VALUES block body: ``<a> <b> …``."""
    return " ".join(sparql_iri(iri) for iri in iris)


def among(variable: str, iris: Iterable[str]) -> str:
    """A pattern binding ``?variable`` to each of ``iris`` (a page's keys; braces escaped for ``fill``)."""
    return f"VALUES ?{variable} {{{{ {values(iris)} }}}}"


# Long sections of a page: a ``*_KEYS`` query selects one row per shown row, its first
# variable the row's key, in a total order; the store counts them and returns one page.


def counted(keys: str, **iris: str) -> str:
    """How many rows ``keys`` selects."""
    return fill("SELECT (COUNT(*) AS ?n) WHERE {{ {{ " + keys + " }} }}", **iris)


def paged(keys: str, limit: int, offset: int, **iris: str) -> str:
    """The rows of ``keys`` from ``offset``, at most ``limit``."""
    return fill(keys + f"\nLIMIT {int(limit)} OFFSET {int(offset)}", **iris)


def paged_triples(keys: str, template: str, limit: int, offset: int, **iris: str) -> str:
    """The triples ``template`` makes of the rows of ``keys`` from ``offset``, at most ``limit``."""
    return fill(
        "CONSTRUCT {{ "
        + template
        + " }} WHERE {{ {{ "
        + keys
        + f"\nLIMIT {int(limit)} OFFSET {int(offset)} }}}} }}}}",
        **iris,
    )


# What a node's facts table lists (``nodes.HIDDEN`` are shown in sections of their own).
SHOWN = "FILTER(?p NOT IN (rdf:type, bg:sourceSpan, prov:wasDerivedFrom))"
FACTS_KEYS = "SELECT DISTINCT ?p ?o WHERE {{ {node} ?p ?o " + SHOWN + " }} ORDER BY ?p ?o"
FACT = "{node} ?p ?o"
# The links to a node, not from its own hash IRIs (a source document's spans).
INCOMING_KEYS = (
    "SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {node} "
    + SHOWN
    + ' FILTER(isBlank(?s) || !STRSTARTS(STR(?s), CONCAT(STR({node}), "#"))) }} ORDER BY ?p ?s'
)
INCOMING = "?s ?p {node}"
GRAPH_SIZE = "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"


# Labels: the first rule that gives a node a value wins (then Danish, untagged, English).
LABEL_RULES = (
    "skos:prefLabel",
    "rdfs:label",
    "dcterms:title",
    "schema:name",
    "schema:headline",
    "bg:citation",
    "bg:statement",
    "bg:testKind/skos:prefLabel",
    "bg:surfaceForm",
    "schema:variableMeasured",
    "schema:text",
    "schema:value",
    "skos:notation",
    "dcterms:identifier",
)
LABELS = """
SELECT ?x ?rank ?label (LANG(?label) AS ?lang) WHERE {{
  VALUES ?x {{ {nodes} }}
  {rules}
}}
"""
# A letter is named by who wrote to whom, and when.
LETTER_LABELS = """
SELECT ?x ?sender ?unitOf ?recipient ?date ?dateText WHERE {{
  VALUES ?x {{ {nodes} }}
  ?x a bg:Letter .
  OPTIONAL {{ ?x schema:sender ?s . ?s skos:prefLabel|rdfs:label|schema:name ?sender
             OPTIONAL {{ ?s org:unitOf/rdfs:label ?unitOf }} }}
  OPTIONAL {{ ?x schema:recipient ?r . ?r a ?kind ; skos:prefLabel|rdfs:label|schema:name ?recipient
             FILTER(?kind IN (bg:Municipality, org:Organization, org:OrganizationalUnit)) }}
  OPTIONAL {{ ?x schema:dateSent|bg:dateReceived ?date }}
  OPTIONAL {{ ?x bg:dateText ?dateText }}
}}
"""


def labels_query(nodes: Iterable[str]) -> str:
    rules = [f"{{ ?x {path} ?label BIND({rank} AS ?rank) }}" for rank, path in enumerate(LABEL_RULES, 1)]
    return PROLOGUE + LABELS.format(nodes=values(nodes), rules="\n  UNION ".join(rules))


def letter_labels_query(nodes: Iterable[str]) -> str:
    return PROLOGUE + LETTER_LABELS.format(nodes=values(nodes))


SPANS = """
SELECT ?span ?start ?end ?exact ?line ?property WHERE {{
  {node} bg:sourceSpan ?span .
  OPTIONAL {{ ?span oa:start ?start ; oa:end ?end }}
  OPTIONAL {{ ?span oa:exact ?exact }}
  OPTIONAL {{ ?span bg:line ?line }}
  OPTIONAL {{ ?span bg:forProperty ?property }}
}} ORDER BY ?start
"""

# ---------------------------------------------------------------------------
# Home

COUNTS = """
SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {
  VALUES ?class { bg:Intervention bg:Letter bg:Criterion bg:Commitment bg:Initiative
                  bg:SourceDocument bg:TargetGroup bg:Municipality }
  ?x a ?class
} GROUP BY ?class
"""
ACTIVE_MUNICIPALITIES = """
SELECT ?m ?name (COUNT(DISTINCT ?i) AS ?interventions) (COUNT(DISTINCT ?l) AS ?letters) WHERE {
  { ?i a bg:Intervention ; bg:municipality ?m } UNION { ?l a bg:Letter ; bg:municipality ?m }
  OPTIONAL { ?m rdfs:label ?name }
} GROUP BY ?m ?name ORDER BY ?name
"""
LAST_BUILD = """
SELECT ?end WHERE { ?activity a prov:Activity ; prov:endedAtTime ?end } ORDER BY DESC(?end) LIMIT 1
"""
# Documents needing attention: scores that do not reproduce, answers read from their
# wording, and any status a build gives a document.
ATTENTION = """
SELECT ?doc ?name ?kind ?status (COUNT(DISTINCT ?test) AS ?mismatches) (COUNT(DISTINCT ?a) AS ?inferred)
WHERE {
  ?doc a bg:SourceDocument .
  OPTIONAL { ?doc dcterms:identifier ?name }
  OPTIONAL { ?doc bg:documentKind ?kind }
  OPTIONAL { ?doc bg:status ?status }
  OPTIONAL { ?test a bg:TestResult ; prov:wasDerivedFrom ?doc ; bg:scoreReproduces false }
  OPTIONAL { ?a a bg:Assessment ; prov:wasDerivedFrom ?doc ; bg:inferred true }
} GROUP BY ?doc ?name ?kind ?status ORDER BY ?name
"""

# ---------------------------------------------------------------------------
# Interventions and their tests (intervention, test result, municipality, compare)

TESTS = """
SELECT ?i ?title ?m ?test ?kind ?published ?computed ?reproduces ?scope ?count WHERE {{
  {where}
  ?i bg:testResult ?test .
  OPTIONAL {{ ?i dcterms:title ?title }}
  OPTIONAL {{ ?i bg:municipality ?m }}
  OPTIONAL {{ ?test bg:testKind ?kind }}
  OPTIONAL {{ ?test bg:publishedScore ?published }}
  OPTIONAL {{ ?test bg:computedScore ?computed }}
  OPTIONAL {{ ?test bg:scoreReproduces ?reproduces }}
  OPTIONAL {{ ?test bg:scope ?scope }}
  OPTIONAL {{ ?test bg:answerCount ?count }}
}} ORDER BY ?title ?kind
"""
ANSWERS = """
SELECT ?i ?test ?a ?position ?answer ?threshold ?text ?inferred ?criterion ?statement ?span WHERE {{
  {where}
  ?i bg:testResult ?test . ?test bg:assessment ?a .
  OPTIONAL {{ ?a bg:position ?position }}
  OPTIONAL {{ ?a bg:answer ?answer }}
  OPTIONAL {{ ?a bg:threshold ?threshold }}
  OPTIONAL {{ ?a bg:text ?text }}
  OPTIONAL {{ ?a bg:inferred ?inferred }}
  OPTIONAL {{ ?a bg:criterion ?criterion OPTIONAL {{ ?criterion bg:statement ?statement }} }}
  OPTIONAL {{ ?a bg:sourceSpan ?span }}
}} ORDER BY ?test ?position
"""
OF_INTERVENTION = "BIND({node} AS ?i)"
OF_TEST = "BIND({node} AS ?test) ?i bg:testResult ?test ."
OF_MUNICIPALITY = "?i a bg:Intervention ; bg:municipality {node} ."
ALL_INTERVENTIONS = "?i a bg:Intervention ."
OF_TARGET_GROUP = "?i a bg:Intervention ; bg:targetGroup {node} ."
ASKED = "?i bg:testResult/bg:assessment/bg:criterion {node} ."
# One row per test result of the interventions ``{where}`` selects, by title and kind.
TESTS_KEYS = """
SELECT ?test (MIN(STR(?t)) AS ?title) (MIN(STR(?k)) AS ?kind) WHERE {{
  {where}
  ?i bg:testResult ?test .
  OPTIONAL {{ ?i dcterms:title ?t }}
  OPTIONAL {{ ?test bg:testKind ?k }}
}} GROUP BY ?test ORDER BY ?title ?kind ?test
"""
OF_TESTS = "?i bg:testResult ?test ."  # after ``among("test", …)``
# One row per answer to the criterion, by intervention title and test.
ANSWERS_KEYS = """
SELECT ?a (MIN(STR(?t)) AS ?title) WHERE {{
  ?i bg:testResult ?test . ?test bg:assessment ?a . ?a bg:criterion {node} .
  OPTIONAL {{ ?i dcterms:title ?t }}
}} GROUP BY ?a ORDER BY ?title ?a
"""
OF_ANSWERS = "?i bg:testResult ?test . ?test bg:assessment ?a ."  # after ``among("a", …)``
TARGET_GROUPS_OF = """
SELECT ?g ?provision WHERE {{
  {node} bg:targetGroup ?g . OPTIONAL {{ ?g bg:legalProvision ?provision }}
}}
"""
TARGET_GROUPS_IN_USE = """
SELECT DISTINCT ?g WHERE { ?i a bg:Intervention ; bg:testResult ?t ; bg:targetGroup ?g }
"""

# ---------------------------------------------------------------------------
# Criteria


# ---------------------------------------------------------------------------
# Letters, commitments, the timeline

LETTERS = """
SELECT ?l ?date ?dateText ?referred ?sender ?doc WHERE {{
  {where}
  OPTIONAL {{ ?l schema:dateSent|bg:dateReceived ?date }}
  OPTIONAL {{ ?l bg:dateText ?dateText }}
  OPTIONAL {{ ?l bg:referredOnly ?referred }}
  OPTIONAL {{ ?l schema:sender ?sender }}
  OPTIONAL {{ ?l prov:wasDerivedFrom ?doc }}
}} ORDER BY ?date ?l
"""
# One row per letter ``{where}`` selects, dated ones first, by date.
LETTERS_KEYS = """
SELECT ?l (MIN(?d) AS ?date) WHERE {{
  {where}
  OPTIONAL {{ ?l schema:dateSent|bg:dateReceived ?d }}
}} GROUP BY ?l ORDER BY (!BOUND(?date)) ?date ?l
"""
ALL_LETTERS = "?l a bg:Letter ."
LETTERS_OF_MUNICIPALITY = """?l a bg:Letter .
  {{ ?l bg:municipality {node} }} UNION {{ ?l schema:sender|schema:recipient {node} }}"""
# The letter's conversation: the chain of replies it is part of, and what it encloses or is enclosed in.
THREAD = """?l a bg:Letter .
  {{ {node} (bg:inReplyTo|^bg:inReplyTo)* ?l }} UNION {{ {node} bg:encloses|^bg:encloses ?l }}"""
LETTER_LINKS = """
SELECT ?relation ?other WHERE {{
  {{ {node} bg:inReplyTo ?other BIND("answers" AS ?relation) }}
  UNION {{ ?other bg:inReplyTo {node} BIND("answered-by" AS ?relation) }}
  UNION {{ {node} bg:encloses ?other BIND("encloses" AS ?relation) }}
  UNION {{ ?other bg:encloses {node} BIND("enclosed-by" AS ?relation) }}
}}
"""
PARTIES = """
SELECT ?role ?party (MIN(?at) AS ?order) (MIN(?position) AS ?explicit) WHERE {{
  {{ {node} schema:sender ?party BIND("sender" AS ?role) }}
  UNION {{ {node} schema:recipient ?party BIND("recipient" AS ?role) }}
  UNION {{ {node} bg:signatory ?party BIND("signatory" AS ?role) }}
  UNION {{ {node} schema:author ?party BIND("author" AS ?role) }}
  OPTIONAL {{ {node} prov:wasDerivedFrom ?doc .
             ?party bg:sourceSpan ?span . ?span dcterms:isPartOf ?doc ; oa:start ?at }}
  OPTIONAL {{ ?party bg:position ?position }}
}} GROUP BY ?role ?party ORDER BY ?role ?explicit ?order
"""
COMMITMENTS = """
SELECT ?c ?text ?start ?end ?deadline ?by ?letter ?letterDate ?ack ?ackDate ?span WHERE {{
  {where}
  OPTIONAL {{ ?c schema:text ?text }}
  OPTIONAL {{ ?c bg:deadlineStart ?start }}
  OPTIONAL {{ ?c bg:deadlineEnd ?end }}
  OPTIONAL {{ ?c bg:deadlineText ?deadline }}
  OPTIONAL {{ ?c bg:committedBy ?by }}
  OPTIONAL {{ ?c bg:statedIn ?letter OPTIONAL {{ ?letter schema:dateSent|bg:dateReceived ?letterDate }} }}
  OPTIONAL {{ ?c bg:acknowledgedIn ?ack OPTIONAL {{ ?ack schema:dateSent|bg:dateReceived ?ackDate }} }}
  OPTIONAL {{ ?c bg:sourceSpan ?span }}
}} ORDER BY ?end ?start ?c
"""
# One row per commitment ``{where}`` selects, in the order COMMITMENTS lists them.
COMMITMENTS_KEYS = """
SELECT ?c (MIN(?e) AS ?end) (MIN(?s) AS ?start) WHERE {{
  {where}
  OPTIONAL {{ ?c bg:deadlineEnd ?e }}
  OPTIONAL {{ ?c bg:deadlineStart ?s }}
}} GROUP BY ?c ORDER BY ?end ?start ?c
"""
ALL_COMMITMENTS = "?c a bg:Commitment ."
COMMITMENTS_IN_LETTER = "?c a bg:Commitment ; bg:statedIn {node} ."
COMMITMENTS_OF = "?c a bg:Commitment ; bg:committedBy {node} ."
INITIATIVES_IN_LETTER = """
SELECT ?x ?title ?status ?span WHERE {{
  ?x bg:describedIn {node} .
  OPTIONAL {{ ?x dcterms:title ?title }}
  OPTIONAL {{ ?x bg:status ?status }}
  OPTIONAL {{ ?x bg:sourceSpan ?span }}
}} ORDER BY ?title
"""

# ---------------------------------------------------------------------------
# Source documents

EXTRACTED = """
SELECT ?node ?type ?span ?start ?end WHERE {{
  ?span dcterms:isPartOf {node} ; oa:start ?start ; oa:end ?end .
  ?node bg:sourceSpan ?span .
  OPTIONAL {{ ?node a ?type }}
}} ORDER BY ?start ?end ?node
"""
