// A dashboard's use of the generated types. It compiles only if the fields the shapes
// require are non-null in the schema (no null checks on code, name, title, answer...).
import type {
  CriterionMatrixQuery,
  DocumentsNeedingAttentionQuery,
  LettersTimelineQuery,
  MunicipalityScoresQuery,
  NodeByIdQuery,
} from "./generated/graphql";

export type ScoreRow = { code: string; municipality: string; title: string; evidence: number | null };

export function scoreRows(data: MunicipalityScoresQuery): ScoreRow[] {
  return data.municipalities.nodes.flatMap((m) =>
    m.interventions.nodes.map((i) => ({
      code: m.code,
      municipality: m.name,
      title: i.title,
      evidence: i.evidenceTest ? i.evidenceTest.score : null,
    })),
  );
}

export function matrix(data: CriterionMatrixQuery): Map<string, Map<string, string>> {
  const cells = new Map<string, Map<string, string>>();
  for (const a of data.assessments.nodes) {
    const row = cells.get(a.criterion.statement) ?? new Map<string, string>();
    row.set(a.intervention ? a.intervention.municipality.code : "?", a.answer);
    cells.set(a.criterion.statement, row);
  }
  return cells;
}

export function timeline(data: LettersTimelineQuery): string[] {
  return data.letters.edges.map(({ node }) => {
    const who = node.sender ? `${node.sender.name ?? "?"} (${node.sender.partyKind})` : "unknown sender";
    const deadlines = node.commitments.nodes.map((c) => c.deadline).join(", ");
    return `${node.date ?? "undated"} ${who}${node.referredOnly ? " [referred to]" : ""} ${deadlines}`;
  });
}

export function describeNode(data: NodeByIdQuery): string {
  const node = data.node;
  if (!node) return "no such node";
  switch (node.__typename) {
    case "Municipality":
      return `${node.code} ${node.name ?? ""} ${node.partyKind}`;
    case "TestResult":
      return `${node.testKind} ${node.score}`;
    case "Criterion":
      return `${node.testKind}: ${node.statement}`;
    case "TargetGroup":
      return `${node.targetGroupKind} ${node.label}`;
    case "Document":
      return `${node.documentKind ?? "unread"} ${node.status ?? ""}`;
    case "Intervention":
      return `${node.title} from ${node.document.name}`;
    default:
      return node.iri;
  }
}

export function attention(data: DocumentsNeedingAttentionQuery): string[] {
  return data.documents.nodes.flatMap((d) =>
    d.problems.map((p) => `${d.name}:${p.line ?? "?"} ${p.severity} ${p.stage}: ${p.message}`),
  );
}
