"""Loading the rule data under writer/rules/ once and compiling it to matchers.

Every rule file is TOML with `[[rule]]` tables sharing the same keys (see writer/rules/README.md).
Phrase and substitution rules of all files are compiled into one Aho-Corasick automaton so that a
single pass over the text finds every listed phrase; pattern rules are precompiled regexes;
builtin rules name a check function in writer/check/builtins.py.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick

from ..errors import WriterError
from ..models import CATEGORIES

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
SEVERITIES = ("error", "warning", "info")
TYPES = ("phrases", "substitution", "pattern", "builtin")
CONDITIONS = ("figure-in-sentence", "specific-in-sentence", "date-in-sentence", "in-book-title", "in-speech",
              "figure-in-clause-or-after", "specific-in-clause-or-after", "change-in-sentence",
              "count-in-clause-or-after", "figure-in-clause-or-backing", "in-quote")


class RuleError(WriterError):
    """A rule file is malformed (a developer error, reported in Chinese all the same)."""


@dataclass
class Rule:
    id: str
    category: str
    severity: str
    message: str
    suggestion: str = ""
    scope: str = "all"
    type: str = "pattern"
    kinds: tuple[str, ...] = ("news", "summary")
    unless: tuple[str, ...] = ()
    exceptions: tuple[str, ...] = ()
    action: dict[str, Any] = field(default_factory=dict)
    messages: dict[str, str] = field(default_factory=dict)
    suggestions: dict[str, str] = field(default_factory=dict)
    severities: dict[str, str] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    check: str = ""
    phrases: tuple[str, ...] = ()
    pairs: dict[str, str] = field(default_factory=dict)
    regex: re.Pattern | None = None
    source: str = ""
    index: int = 0

    def render(self, variant: str, values: dict[str, Any]) -> tuple[str, str, str]:
        """(severity, message, suggestion) for one hit, with {placeholders} filled in."""
        message = self.messages.get(variant, self.message) if variant else self.message
        suggestion = self.suggestions.get(variant, self.suggestion) if variant else self.suggestion
        severity = self.severities.get(variant, self.severity) if variant else self.severity
        return severity, _fill(message, values), _fill(suggestion, values)


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _fill(template: str, values: dict[str, Any]) -> str:
    try:
        return template.format_map(_Missing(values))
    except (ValueError, IndexError):
        return template


def read_list(path: Path) -> list[str]:
    """A lexicon: one entry a line, `#` starts a comment, blank lines ignored."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            items.append(line)
    return items


@dataclass
class RuleSet:
    rules: list[Rule]
    automaton: Any  # ahocorasick.Automaton or None
    parts: dict[str, dict[str, list[str]]]
    by_id: dict[str, Rule]


def _load_rule(raw: dict[str, Any], source: Path, index: int) -> Rule:
    where = f"{source.name} 第 {index + 1} 条规则"
    for key in ("id", "category", "severity", "message", "type"):
        if key not in raw:
            raise RuleError(f"{where} 缺少 {key}")
    if raw["category"] not in CATEGORIES:
        raise RuleError(f"{where}（{raw['id']}）的类别 {raw['category']} 不在约定的类别中")
    if raw["severity"] not in SEVERITIES:
        raise RuleError(f"{where}（{raw['id']}）的严重程度 {raw['severity']} 无效")
    if raw["type"] not in TYPES:
        raise RuleError(f"{where}（{raw['id']}）的类型 {raw['type']} 无效")
    for cond in raw.get("unless", []):
        if cond not in CONDITIONS:
            raise RuleError(f"{where}（{raw['id']}）的抑制条件 {cond} 无效")
    rule = Rule(
        id=raw["id"],
        category=raw["category"],
        severity=raw["severity"],
        message=raw["message"],
        suggestion=raw.get("suggestion", ""),
        scope=raw.get("scope", "all"),
        type=raw["type"],
        kinds=tuple(raw.get("kinds", ("news", "summary"))),
        unless=tuple(raw.get("unless", ())),
        exceptions=tuple(raw.get("exceptions", ())),
        action=dict(raw.get("action", {})),
        messages=dict(raw.get("messages", {})),
        suggestions=dict(raw.get("suggestions", {})),
        severities=dict(raw.get("severities", {})),
        params=dict(raw.get("params", {})),
        check=raw.get("check", ""),
        source=source.name,
        index=index,
    )
    phrases = list(raw.get("phrases", []))
    if "list" in raw:
        list_path = RULES_DIR / raw["list"]
        if not list_path.exists():
            raise RuleError(f"{where}（{raw['id']}）引用的词表 {raw['list']} 不存在")
        phrases.extend(read_list(list_path))
    if rule.type == "substitution":
        for entry in phrases:
            parts = entry.split()
            if len(parts) < 2:
                raise RuleError(f"{where}（{raw['id']}）的替换表条目「{entry}」应为「错误写法 正确写法」")
            rule.pairs[parts[0]] = parts[1]
        rule.phrases = tuple(rule.pairs)
    else:
        rule.phrases = tuple(dict.fromkeys(phrases))
    if rule.type == "pattern":
        try:
            rule.regex = re.compile(raw["pattern"])
        except (KeyError, re.error) as exc:
            raise RuleError(f"{where}（{raw['id']}）的正则无效：{exc}") from None
    if rule.type == "builtin" and not rule.check:
        raise RuleError(f"{where}（{raw['id']}）缺少 check")
    return rule


@lru_cache(maxsize=4)
def load_rules(directory: str | None = None) -> RuleSet:
    """All rules of writer/rules/*.toml, compiled. Cached: loaded once per process."""
    base = Path(directory) if directory else RULES_DIR
    rules: list[Rule] = []
    parts: dict[str, dict[str, list[str]]] = {}
    seen: set[str] = set()
    for path in sorted(base.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise RuleError(f"规则文件 {path.name} 格式错误：{exc}") from None
        for kind, table in data.get("parts", {}).items():
            parts[kind] = {name: list(variants) for name, variants in table.items()}
        for i, raw in enumerate(data.get("rule", [])):
            rule = _load_rule(raw, path, i)
            if rule.id in seen:
                raise RuleError(f"规则编号 {rule.id} 重复（{path.name}）")
            seen.add(rule.id)
            rules.append(rule)
    for i, rule in enumerate(rules):
        rule.index = i
    automaton = None
    entries: dict[str, list[tuple[int, str]]] = {}
    for i, rule in enumerate(rules):
        if rule.type in ("phrases", "substitution"):
            for phrase in rule.phrases:
                entries.setdefault(phrase, []).append((i, rule.pairs.get(phrase, "")))
    if entries:
        automaton = ahocorasick.Automaton()
        for phrase, payload in entries.items():
            automaton.add_word(phrase, (len(phrase), tuple(payload)))
        automaton.make_automaton()
    return RuleSet(rules=rules, automaton=automaton, parts=parts, by_id={r.id: r for r in rules})
