"""The reviewer's rule checker: small independent checks over a text, returning `Finding`s.

    from writer.check import check
    findings = check(text, kind="auto", records=None, facts=None)

Rules are data (writer/rules/*.toml and the word lists under writer/rules/lexicons/), loaded and
compiled once; the engine owns matching, scope, suppression, offsets, dedupe and sorting.
Offsets index `text` exactly as given: text[f.start:f.end] == f.text for every finding.
"""

from __future__ import annotations

import re
from typing import Any, Iterable

from ..models import CATEGORIES, Fact, Finding, Record
from .builtins import BUILTINS, Hit
from .doc import Doc, build_doc
from .rules import Rule, RuleSet, load_rules

__all__ = ["check", "detect_kind", "padding_density", "analyse", "load_rules", "summarize", "CATEGORIES"]

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
_POST_BUILTINS = {"padding_density"}
_DISTINCT = {"structure", "lead"}


def detect_kind(text: str) -> str:
    """'summary' for a year-end work summary, 'news' for a news story."""
    if not text.strip():
        return "news"
    return build_doc(text, load_rules().parts, "auto").kind


def analyse(text: str, kind: str = "auto") -> Doc:
    """The document structure the checks see (sections, title, lead, figures…)."""
    return build_doc(text, load_rules().parts, kind)


def _in_scope(doc: Doc, rule: Rule, start: int) -> bool:
    if "+" in rule.scope:  # body+section:!下一步工作打算 — every part must hold
        return all(_scope_holds(doc, part, start) for part in rule.scope.split("+"))
    return _scope_holds(doc, rule.scope, start)


def _scope_holds(doc: Doc, scope: str, start: int) -> bool:
    if scope == "all":
        return True
    if scope == "title":
        return doc.in_title(start)
    if scope == "heading":
        return doc.in_heading(start) or doc.in_title(start)
    if scope == "body":
        return not doc.in_heading(start) and not doc.in_title(start)
    if scope == "lead":
        return doc.lead is not None and doc.lead[0] <= start < doc.lead[1]
    if scope.startswith("section:"):
        want = scope[len("section:"):]
        negate = want.startswith("!")
        want = want.lstrip("!")
        sec = doc.section_at(start)
        inside = sec is not None and want in sec.parts
        return not inside if negate else inside
    return True


_BACKING = re.compile(r"(?:由|从|达到|达|至|增至|增加到|增长到|提高到|提升到|上升到|下降到|降至|减少到|同比|比上年|较上年|比去年|较去年|突破|超过|其中|分别|共|总|累计|年均|平均|为)")


def _suppressed(doc: Doc, rule: Rule, start: int, end: int) -> bool:
    text = doc.text
    for exc in rule.exceptions:
        # an exception is a longer word containing the hit: skip when the text reads that word here
        hit = text[start:end]
        k = exc.find(hit)
        while k >= 0:
            s = start - k
            if s >= 0 and text.startswith(exc, s):
                return True
            k = exc.find(hit, k + 1)
    if not rule.unless:
        return False
    s, e = doc.sentence_at(start)
    if doc.is_run_in_heading(s):
        e = doc.line_at(s).end  # a run-in heading's claim is backed by its own paragraph
    for cond in rule.unless:
        if cond == "figure-in-sentence" and doc.has_figure(s, e):
            return True
        if cond == "figure-in-clause-or-after":
            clause = max(doc.text.rfind(p, s, start) for p in "，；：") + 1
            if doc.has_figure(max(clause, s), e):
                return True
        if cond == "count-in-clause-or-after":
            clause = max(doc.text.rfind(p, s, start) for p in "，；：") + 1
            hit = doc.text[start:end]
            unit = hit[1] if len(hit) == 2 and hit[0] == "多" else ""
            clause_end = min([i for i in (doc.text.find(p, end, e) for p in "，；：") if i >= 0] or [e])
            # 多期 is backed by a figure of its own clause, or by one counted in 期 after it — not by
            # 共培训1.1万人次 in the next clause
            if any(not f.is_percent and (not unit or f.start < clause_end or (f.unit or "").endswith(unit))
                   for f in doc.figures_in(max(clause, s), e)):
                return True
        if cond == "figure-in-clause-or-backing":
            # the change's own clause has the figure, or the next clause gives it (…大幅增加，达到1200人);
            # a figure of another measure later in the sentence (…，全年开展活动64场) does not back it
            clause = max(doc.text.rfind(p, s, start) for p in "，；：") + 1
            ends = [i for i in (doc.text.find(p, end, e) for p in "，；：") if i >= 0]
            clause_end = min(ends) if ends else e
            if doc.has_figure(max(clause, s), clause_end):
                return True
            if clause_end < e:
                nxt_end = min([i for i in (doc.text.find(p, clause_end + 1, e) for p in "，；：") if i >= 0] or [e])
                if _BACKING.match(doc.text, clause_end + 1) and doc.has_figure(clause_end + 1, nxt_end):
                    return True
        if cond == "in-quote":
            line = doc.line_at(start)
            before = doc.text[line.start:start]
            if before.rfind("“") > before.rfind("”"):
                return True
        if cond == "specific-in-clause-or-after":
            clause = max(doc.text.rfind(p, s, start) for p in "，；：") + 1
            if doc.has_specific(max(clause, s), e):
                return True
        if cond == "date-in-sentence" and doc.has_date(s, e):
            return True
        if cond == "specific-in-sentence" and doc.has_specific(s, e):
            return True
        if cond == "change-in-sentence" and doc.has_change(s, e):
            return True
        if cond == "in-book-title" and doc.in_book_title(start):
            return True
        if cond == "in-speech" and doc.in_speech(start, s):
            return True
    return False


def _hits(doc: Doc, rules: RuleSet, ctx: dict) -> Iterable[tuple[Rule, Hit]]:
    text = doc.text
    kind = doc.kind
    active = [r for r in rules.rules if kind in r.kinds]
    active_ids = {r.index for r in active}
    # 1. one Aho-Corasick pass for every phrase list and substitution table
    if rules.automaton is not None and text:
        per_rule: dict[int, list[tuple[int, int, str]]] = {}
        for end_idx, (length, payload) in rules.automaton.iter(text):
            start = end_idx - length + 1
            for rule_idx, right in payload:
                if rule_idx in active_ids:
                    per_rule.setdefault(rule_idx, []).append((start, end_idx + 1, right))
        for rule_idx, spans in per_rule.items():
            rule = rules.rules[rule_idx]
            # keep the longest match where matches of one rule overlap
            spans.sort(key=lambda t: (t[0], -(t[1] - t[0])))
            last_end = -1
            for start, end, right in spans:
                if start < last_end:
                    continue
                last_end = end
                yield rule, Hit(start, end, "", {"right": right} if right else {})
    # 2. precompiled patterns
    for rule in active:
        if rule.type != "pattern" or rule.regex is None:
            continue
        for m in rule.regex.finditer(text):
            gi = m.re.groupindex
            span = None
            for g in ("m", "m2"):
                if g in gi and m.start(g) >= 0:
                    span = m.span(g)
                    break
            start, end = span or m.span()
            if end <= start:
                continue
            yield rule, Hit(start, end, "", {"match": m.group()})
    # 3. builtin checks
    for rule in active:
        if rule.type != "builtin" or rule.check in _POST_BUILTINS:
            continue
        fn = BUILTINS.get(rule.check)
        if fn is None:
            continue
        for hit in fn(doc, rule, ctx):
            yield rule, hit


def _finding(doc: Doc, rule: Rule, hit: Hit) -> Finding:
    text = doc.text
    matched = text[hit.start:hit.end]
    values = {"text": matched, "match": matched}
    values.update(hit.values)
    severity, message, suggestion = rule.render(hit.variant, values)
    rid = rule.id if not hit.variant else f"{rule.id}.{hit.variant}".replace("_", "-")
    return Finding(rid, rule.category, severity, hit.start, hit.end, matched, message, suggestion)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    best: dict[tuple[int, int, str, str], Finding] = {}
    for f in findings:
        # document-level findings (a missing part, a lead without a place) are distinct even on one span
        key = (f.start, f.end, f.category, f.message if f.category in _DISTINCT else "")
        cur = best.get(key)
        if cur is None or SEVERITY_RANK[f.severity] < SEVERITY_RANK[cur.severity]:
            best[key] = f
    out = sorted(best.values(), key=lambda f: (f.start, SEVERITY_RANK[f.severity], -f.end, f.rule))
    # drop a finding inside a same-category finding that is at least as severe
    kept: list[Finding] = []
    open_by_cat: dict[str, Finding] = {}
    for f in out:
        cover = open_by_cat.get(f.category) if f.category not in _DISTINCT else None
        if cover is not None and cover.end >= f.end and cover.start <= f.start and \
                SEVERITY_RANK[cover.severity] <= SEVERITY_RANK[f.severity] and (cover.start, cover.end) != (f.start, f.end):
            continue
        kept.append(f)
        if cover is None or f.end > cover.end:
            open_by_cat[f.category] = f
    return kept


def _run(text: str, kind: str, records: list[Record] | None, facts: list[Fact] | None) -> tuple[Doc, list[Finding]]:
    rules = load_rules()
    doc = build_doc(text, rules.parts, kind)
    if not text.strip():
        return doc, []
    if records and facts is None:
        facts = _compute_facts(records)
    ctx: dict[str, Any] = {"records": records or [], "facts": facts or [], "parts": rules.parts}
    findings: list[Finding] = []
    for rule, hit in _hits(doc, rules, ctx):
        if not (0 <= hit.start < hit.end <= len(text)):
            continue
        if not _in_scope(doc, rule, hit.start) or _suppressed(doc, rule, hit.start, hit.end):
            continue
        findings.append(_finding(doc, rule, hit))
    ctx["findings"] = findings
    for rule in rules.rules:
        if rule.type == "builtin" and rule.check in _POST_BUILTINS and doc.kind in rule.kinds:
            for hit in _density_hits(doc, rule, findings):
                findings.append(_finding(doc, rule, hit))
    return doc, _dedupe(findings)


def _compute_facts(records: list[Record]) -> list[Fact]:
    try:
        from ..facts import compute_facts  # written with the drafting issue
    except ImportError:
        return []
    try:
        result = compute_facts(records)
    except Exception:  # facts are a bonus for grounding; records alone still work
        return []
    facts = getattr(result, "facts", result)  # a FactBook, or a plain list
    return [f for f in facts if isinstance(f, Fact)]


def check(text: str, kind: str = "auto", records: list[Record] | None = None,
          facts: list[Fact] | None = None) -> list[Finding]:
    """All findings for `text`, deduplicated and sorted by start, then severity.

    kind: "auto" (detect), "news" or "summary". records/facts: enable the grounding check;
    facts default to writer.facts.compute_facts(records) when that module is available.
    """
    if kind not in ("auto", "news", "summary"):
        raise ValueError(f"kind must be auto, news or summary, not {kind!r}")
    return _run(text, kind, records, facts)[1]


def check_document(text: str, kind: str = "auto", records: list[Record] | None = None,
                   facts: list[Fact] | None = None) -> tuple[str, list[Finding], list[tuple[str, float]]]:
    """(kind detected, findings, padding density per section) in one run — what the CLI reports."""
    doc, findings = _run(text, kind, records, facts)
    return doc.kind, findings, _densities(doc, findings)


# ---------------------------------------------------------------------------------- density
def _section_spans(doc: Doc) -> list[tuple[str, int, int, int]]:
    """(heading, heading start, body start, end) for each top-level section; the whole text if none."""
    if not doc.sections:
        return [("全文", 0, 0, len(doc.text))]
    spans = []
    first = doc.sections[0].start
    if doc.text[:first].strip():
        spans.append(("（开头）", 0, 0, first))
    for sec in doc.sections:
        spans.append((sec.heading, sec.start, sec.heading_end, sec.end))
    return spans


def _density_of(doc: Doc, findings: list[Finding], body_start: int, end: int) -> tuple[int, int]:
    from bisect import bisect_left

    lo = bisect_left(doc.sent_starts, body_start)
    hi = bisect_left(doc.sent_starts, end)
    sentences = [(s, e) for s, e in doc.sentences[lo:hi] if not doc.in_heading(s)
                 and not doc.in_title(s) and len(doc.text[s:e].strip()) >= 4]
    padded = set()
    for f in findings if len(findings) < 64 else _padding_between(findings, body_start, end):
        if f.category == "padding" and body_start <= f.start < end:
            padded.add(doc.sentence_at(f.start))
    padded &= set(sentences)
    return len(padded), len(sentences)


_PAD_CACHE: dict[int, tuple[list[Finding], list[int], list[Finding]]] = {}


def _padding_between(findings: list[Finding], start: int, end: int) -> list[Finding]:
    from bisect import bisect_left

    cached = _PAD_CACHE.get(id(findings))
    # one sorted list per findings list (the density findings appended later lie in headings, outside
    # every body range, so a list cached before them is still right)
    if cached is None or cached[0] is not findings:
        pads = sorted((f for f in findings if f.category == "padding"), key=lambda f: f.start)
        _PAD_CACHE.clear()
        cached = _PAD_CACHE[id(findings)] = (findings, [f.start for f in pads], pads)
    _, starts, pads = cached
    return pads[bisect_left(starts, start):bisect_left(starts, end)]


def _densities(doc: Doc, findings: list[Finding]) -> list[tuple[str, float]]:
    out = []
    for heading, _start, body_start, end in _section_spans(doc):
        count, total = _density_of(doc, findings, body_start, end)
        out.append((heading, round(count / total, 3) if total else 0.0))
    return out


def _density_hits(doc: Doc, rule: Rule, findings: list[Finding]) -> Iterable[Hit]:
    min_findings = int(rule.params.get("min_findings", 3))
    min_density = float(rule.params.get("min_density", 0.4))
    for heading, start, body_start, end in _section_spans(doc):
        if not doc.sections:
            continue
        count, total = _density_of(doc, findings, body_start, end)
        if total and count >= min_findings and count / total >= min_density:
            s = start + len(doc.text[start:body_start]) - len(doc.text[start:body_start].lstrip(" \t\u3000#"))
            if body_start > s:
                yield Hit(s, body_start, "", {"count": count, "percent": round(100 * count / total)})


def padding_density(text: str, kind: str = "auto") -> list[tuple[str, float]]:
    """Share of sentences with padding, per top-level section: [(heading, 0.0–1.0), …]."""
    doc, findings = _run(text, kind, None, None)
    return _densities(doc, findings)


def summarize(findings: list[Finding]) -> dict[str, int]:
    """Finding counts per category (every category present, zeros included)."""
    counts = {c: 0 for c in CATEGORIES}
    for f in findings:
        counts[f.category] = counts.get(f.category, 0) + 1
    return counts
