"""The beskgraph ontology's terms as a closed namespace: a term the ontology does not
declare raises AttributeError where it is named.

Generated from ontology/*.ttl by ``python -m beskgraph.vocabulary.generate``; do not edit.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class BG(DefinedNamespace):
    """https://w3id.org/beskgraph/ontology#"""

    _NS = Namespace("https://w3id.org/beskgraph/ontology#")
    _fail = True

    # Classes
    AnswerValue: URIRef  # Answer value
    Assessment: URIRef  # Assessment
    Commitment: URIRef  # Commitment
    Criterion: URIRef  # Criterion
    DocumentKind: URIRef  # Document kind
    DocumentStatus: URIRef  # Document status
    Identifier: URIRef  # Identifier
    Initiative: URIRef  # Initiative
    Intervention: URIRef  # Intervention
    Letter: URIRef  # Letter
    Mention: URIRef  # Mention
    Municipality: URIRef  # Municipality
    Page: URIRef  # Page
    ParliamentaryAppendix: URIRef  # Parliamentary appendix
    Problem: URIRef  # Problem
    Publication: URIRef  # Text
    Region: URIRef  # Region
    SourceDocument: URIRef  # Source document
    TargetGroup: URIRef  # Target group
    TargetGroupKind: URIRef  # Target group kind
    TestKind: URIRef  # Test kind
    TestResult: URIRef  # Test result

    # Object properties
    acknowledgedIn: URIRef  # acknowledged in
    answer: URIRef  # answer
    assessment: URIRef  # assessment
    committedBy: URIRef  # committed by
    committee: URIRef  # committee
    criterion: URIRef  # criterion
    describedIn: URIRef  # described in
    documentKind: URIRef  # document kind
    documentStatus: URIRef  # document status
    encloses: URIRef  # encloses
    focusNode: URIRef  # focus node
    forProperty: URIRef  # for property
    identifierScheme: URIRef  # identifier scheme
    inReplyTo: URIRef  # in reply to
    legalProvision: URIRef  # legal provision
    municipality: URIRef  # municipality
    namedGraph: URIRef  # named graph
    problem: URIRef  # problem
    recipientItem: URIRef  # recipient in order
    region: URIRef  # region
    resultPath: URIRef  # property
    severity: URIRef  # severity
    signatory: URIRef  # signatory
    signatoryItem: URIRef  # signatory in order
    sourceSpan: URIRef  # source span
    statedIn: URIRef  # stated in
    targetGroup: URIRef  # target group
    targetGroupKind: URIRef  # target group kind
    testKind: URIRef  # test kind
    testResult: URIRef  # test result

    # Datatype properties
    advice: URIRef  # advice
    answerCount: URIRef  # answer count
    appendixNumber: URIRef  # appendix number
    assessmentCount: URIRef  # assessment count
    atLine: URIRef  # at line
    characterCount: URIRef  # character count
    citation: URIRef  # citation
    citedAs: URIRef  # cited as
    collection: URIRef  # collection
    computedScore: URIRef  # recomputed score
    contentHash: URIRef  # content hash
    correspondenceCount: URIRef  # correspondence count
    dateReceived: URIRef  # date received
    dateText: URIRef  # date as written
    deadlineEnd: URIRef  # deadline end
    deadlineKind: URIRef  # deadline kind
    deadlineStart: URIRef  # deadline start
    deadlineText: URIRef  # deadline as written
    evidenceScore: URIRef  # evidence score
    experiences: URIRef  # experiences and results
    focus: URIRef  # focus
    goodPracticeScore: URIRef  # good practice score
    graphDigest: URIRef  # graph digest
    inferred: URIRef  # inferred
    interventionCount: URIRef  # intervention count
    item: URIRef  # item (nr.)
    kommunekode: URIRef  # municipality code
    letterCount: URIRef  # letter count
    line: URIRef  # line
    managementRecommendation: URIRef  # management recommendation
    matchScore: URIRef  # match score
    mentionedInCount: URIRef  # mentioned in letter count
    message: URIRef  # message
    noCount: URIRef  # no count
    openEnded: URIRef  # open-ended
    organisationRequirements: URIRef  # organisational requirements
    pageImage: URIRef  # page image
    pageNumber: URIRef  # page number
    paragraph: URIRef  # section (§)
    partialCount: URIRef  # partial count
    period: URIRef  # period
    periodEnd: URIRef  # period end
    periodStart: URIRef  # period start
    points: URIRef  # points
    position: URIRef  # position
    publicStatus: URIRef  # public status
    publishedScore: URIRef  # published score
    purpose: URIRef  # purpose
    referredOnly: URIRef  # referred only
    relativeDeadline: URIRef  # relative deadline
    scope: URIRef  # scope
    scoreReproduces: URIRef  # score reproduces
    session: URIRef  # session
    sourcesDigest: URIRef  # sources digest
    stage: URIRef  # stage
    statement: URIRef  # statement
    status: URIRef  # status
    subsection: URIRef  # subsection (stk.)
    surfaceForm: URIRef  # surface form
    text: URIRef  # text
    threshold: URIRef  # threshold
    weekDeadline: URIRef  # week deadline
    yesCount: URIRef  # yes count

    # Concept schemes (controlled lists)
    AnswerValues: URIRef
    DocumentKinds: URIRef
    DocumentStatuses: URIRef  # Document statuses
    TargetGroupKinds: URIRef
    TestKinds: URIRef

    # Values of the controlled lists
    BroadGroup: URIRef  # Broad group
    CatalogueCard: URIRef  # Catalogue card
    CatchAll: URIRef  # Catch-all
    CommitteeLetter: URIRef  # Letter to a parliamentary committee
    Correspondence: URIRef  # Correspondence
    EvidenceTest: URIRef  # Evidence test
    GoodPracticeTest: URIRef  # Good practice test
    LeftOut: URIRef  # Left out
    LegalTargetGroup: URIRef  # Legal target group
    No: URIRef  # No
    Other: URIRef  # Other text
    ParliamentaryAnswer: URIRef  # Answer to a parliamentary question
    Partial: URIRef  # Partial
    PressRelease: URIRef  # Press release
    Segment: URIRef  # Segment
    Valid: URIRef  # Valid
    ValidWithWarnings: URIRef  # Valid with warnings
    WebPage: URIRef  # Web page
    Yes: URIRef  # Yes
