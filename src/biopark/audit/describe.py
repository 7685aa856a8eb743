"""One renderer for every change history: an audit entry becomes a sentence in the reader's language.

Each domain describes its records in a `history.py` module (loaded on first use):
the noun for the record, a label per field, how to show each value (money, dates,
ids of other records, enum values) and a verb per action. The renderer then
writes "王主任 将协议投资额从 — 改为 3.5亿元" or "Wang changed agreed investment
from — to 350 million yuan", never a raw dict, a column name or an id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biopark import registry
from biopark.audit.models import AuditEntry
from biopark.kit.dates import format_local
from biopark.kit.money import format_cny
from biopark.web.i18n import register as register_text
from biopark.web.i18n import translate

# Value kinds: how a stored value is shown.
TEXT, MONEY, DATE, DATETIME, BOOL, LIST, HIDDEN = (
    "text",
    "money",
    "date",
    "datetime",
    "bool",
    "list",
    "hidden",
)


@dataclass(frozen=True)
class Ref:
    """A field holding the id of another record, shown by that record's name."""

    model: Any
    attr: str = "name"


@dataclass(frozen=True)
class Choice:
    """A field whose stored values have labels: value -> Chinese (English via i18n) or (zh, en)."""

    labels: Mapping[str, str | tuple[str, str]]


Kind = str | Ref | Choice


@dataclass
class Entity:
    """How one entity type is described."""

    noun: tuple[str, str]
    labels: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, Kind] = field(default_factory=dict)
    actions: dict[str, tuple[str, str]] = field(default_factory=dict)
    record: Ref | None = None
    url: str | None = None


@dataclass(frozen=True)
class Line:
    """One described entry: when (local time), who, and the sentence."""

    at: datetime
    when: str
    actor: str
    text: str
    changes: tuple[str, ...]
    action: str
    entry_id: int
    record: str = ""
    url: str | None = None


ACTIONS: dict[str, tuple[str, str]] = {
    "create": ("创建了", "created"),
    "update": ("修改了", "changed"),
    "delete": ("删除了", "deleted"),
    "import": ("导入了", "imported"),
    "demo": ("载入了演示", "loaded the demo"),
    "set": ("设置了", "set"),
}

_ENTITIES: dict[str, Entity] = {}
_COMMON = Entity(noun=("记录", "record"))
_loaded = False


def register(
    entity_type: str,
    *,
    noun: tuple[str, str],
    labels: Mapping[str, str] | None = None,
    kinds: Mapping[str, Kind] | None = None,
    actions: Mapping[str, tuple[str, str]] | None = None,
    record: Ref | None = None,
    url: str | None = None,
) -> None:
    """Describe an entity type: labels (English through i18n), value kinds, verbs, its page.

    `record` names the record itself in the audit log; `url` is its page with {id}.
    """
    entity = _ENTITIES.setdefault(entity_type, Entity(noun=noun))
    entity.noun = noun
    entity.record = record or entity.record
    entity.url = url or entity.url
    entity.labels.update(labels or {})
    entity.kinds.update(kinds or {})
    entity.actions.update(actions or {})


def register_common(
    *, labels: Mapping[str, str] | None = None, kinds: Mapping[str, Kind] | None = None
) -> None:
    """Labels and kinds shared by every entity type (name, note, owner_id …)."""
    _COMMON.labels.update(labels or {})
    _COMMON.kinds.update(kinds or {})


def register_en(pairs: Mapping[str, str]) -> None:
    """English for history words, added only where no page has registered its own already."""
    register_text({zh: en for zh, en in pairs.items() if translate(zh, "en") == zh})


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for domain in registry.DOMAINS:
        registry.domain_module(domain, "history")


def entity(entity_type: str) -> Entity:
    """The description of an entity type (the common one when the type is unknown)."""
    _load()
    return _ENTITIES.get(entity_type, _COMMON)


# -- values ---------------------------------------------------------------------------------


def money_en(value: Decimal) -> str:
    """An amount in yuan for English readers: '350 million yuan', '10.2 billion yuan'."""
    if value < 0:
        return "-" + money_en(-value)
    for size, word in ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if value >= size:
            return f"{(value / size).quantize(Decimal('0.01')).normalize():f} {word} yuan"
    return f"{value.quantize(Decimal('0.01')).normalize():,f} yuan"


_ISO_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)$")


def _label(entity: Entity, key: str, lang: str) -> str:
    zh = entity.labels.get(key) or _COMMON.labels.get(key)
    if zh is None:
        # An unregistered field still reads as words, never as a column name.
        zh = key.removesuffix("_id").replace("_", " ")
    text = translate(zh, lang)
    return text[:1].lower() + text[1:] if lang == "en" and text[:2] != text[:2].upper() else text


def _kind(entity: Entity, key: str) -> Kind:
    return entity.kinds.get(key) or _COMMON.kinds.get(key) or TEXT


@dataclass
class _Names:
    """Names of referenced records, fetched in one query per model."""

    session: Session | None
    found: dict[tuple[Any, str], dict[int, str]] = field(default_factory=dict)

    def preload(self, ref: Ref, ids: Iterable[int]) -> None:
        key = (ref.model, ref.attr)
        have = self.found.setdefault(key, {})
        wanted = {i for i in ids if i not in have}
        if not wanted or self.session is None:
            return
        column = getattr(ref.model, ref.attr)
        stmt = select(ref.model.id, column).where(ref.model.id.in_(wanted))
        have.update({row[0]: str(row[1]) for row in self.session.execute(stmt)})

    def name(self, ref: Ref, value: int, lang: str) -> str:
        self.preload(ref, [value])
        found = self.found[(ref.model, ref.attr)].get(value)
        return found if found is not None else ("(deleted)" if lang == "en" else "（已删除）")


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def format_value(value: Any, kind: Kind, lang: str, names: _Names | None = None) -> str:
    """One stored value as the reader should see it."""
    en = lang == "en"
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list | tuple):
        parts = [format_value(v, kind if kind != LIST else TEXT, lang, names) for v in value]
        return (", " if en else "、").join(parts)
    if isinstance(kind, Ref):
        ref_id = _as_int(value)
        if ref_id is None:
            return str(value)
        return (names or _Names(None)).name(kind, ref_id, lang)
    if isinstance(kind, Choice):
        label = kind.labels.get(str(value))
        if label is None:
            return translate(str(value), lang)
        if isinstance(label, tuple):
            return label[1] if en else label[0]
        return translate(label, lang)
    if kind == MONEY:
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return money_en(amount) if en else format_cny(amount)
    if kind == BOOL or isinstance(value, bool):
        yes = value in (True, "true", "True", 1, "1")
        return ("yes" if yes else "no") if en else ("是" if yes else "否")
    if isinstance(value, dict):
        # Structured values (rule sets and the like) are summarised, never dumped.
        return "(updated)" if en else "（已更新）"
    if isinstance(value, datetime):
        return format_local(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if kind == DATETIME or _ISO_INSTANT.match(text):
        try:
            return format_local(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            return text
    return translate(text, lang)


# -- sentences ------------------------------------------------------------------------------


def _is_pair(value: Any, kind: Kind) -> bool:
    # apply_changes stores [old, new]; a list-valued field's pair holds two lists.
    if not isinstance(value, list | tuple) or len(value) != 2:
        return False
    return kind != LIST or all(v is None or isinstance(v, list | tuple) for v in value)


def _phrases(
    ent: Entity, entry: AuditEntry, lang: str, names: _Names
) -> tuple[list[str], list[str]]:
    """(changes as 'from … to …' phrases, plain 'label value' facts) of one entry."""
    en = lang == "en"
    moves: list[str] = []
    facts: list[str] = []
    changes = entry.changes or {}
    for key, value in changes.items():
        kind = _kind(ent, key)
        # A text kept beside its record's id (chain_link / chain_link_id) would say it twice.
        if kind == HIDDEN or f"{key}_id" in changes:
            continue
        label = _label(ent, key, lang)
        if entry.action != "create" and _is_pair(value, kind):
            old, new = (format_value(v, kind, lang, names) for v in value)
            if entry.action == "update":
                moves.append(
                    f"{label} from {old} to {new}" if en else f"将{label}从 {old} 改为 {new}"
                )
            else:
                facts.append(f"{label}: {old} → {new}" if en else f"{label}：{old} → {new}")
        elif value is None or value == "" or value == []:
            continue
        else:
            shown = format_value(value, kind, lang, names)
            facts.append(f"{label}: {shown}" if en else f"{label}：{shown}")
    return moves, facts


def _predicate(ent: Entity, action: str, lang: str) -> str:
    # A domain's own verbs are whole predicates ("变更了项目阶段"); generic ones take the noun.
    own = ent.actions.get(action)
    if own is not None:
        return own[1] if lang == "en" else own[0]
    zh, en = ACTIONS.get(action) or ("处理了", "handled")
    return f"{en} the {ent.noun[1]}" if lang == "en" else f"{zh}{ent.noun[0]}"


def describe(
    entries: Sequence[AuditEntry], lang: str = "zh", session: Session | None = None
) -> list[Line]:
    """The entries as sentences in the language; ids are looked up in one query per model."""
    _load()
    en = lang == "en"
    names = _Names(session)
    _preload(entries, names)
    actors = _actor_names(entries, names)
    out = []
    for entry in entries:
        ent = entity(entry.entity_type)
        actor = actors.get(entry.id) or ("System" if en else "系统")
        moves, facts = _phrases(ent, entry, lang, names)
        if entry.action == "update" and moves:
            head = f"{actor} changed " if en else f"{actor} "
            text = head + ("; " if en else "，").join(moves)
            if facts:
                text += ("; " if en else "；") + ("; " if en else "；").join(facts)
        else:
            text = f"{actor} {_predicate(ent, entry.action, lang)}"
            if facts:
                text += (": " if en else "：") + ("; " if en else "；").join(facts)
        record = ent.noun[1] if en else ent.noun[0]
        if ent.record is not None and entry.entity_id is not None and session is not None:
            record += f" {names.name(ent.record, entry.entity_id, lang)}"
        out.append(
            Line(
                record=record,
                url=ent.url.format(id=entry.entity_id) if ent.url and entry.entity_id else None,
                at=entry.at,
                when=format_local(entry.at),
                actor=actor,
                text=text,
                changes=tuple(moves + facts),
                action=entry.action,
                entry_id=entry.id,
            )
        )
    return out


def _preload(entries: Sequence[AuditEntry], names: _Names) -> None:
    wanted: dict[Ref, set[int]] = {}
    for entry in entries:
        ent = entity(entry.entity_type)
        for key, value in (entry.changes or {}).items():
            kind = _kind(ent, key)
            if not isinstance(kind, Ref):
                continue
            for v in value if isinstance(value, list | tuple) else [value]:
                if (ref_id := _as_int(v)) is not None:
                    wanted.setdefault(kind, set()).add(ref_id)
    for entry in entries:
        ent = entity(entry.entity_type)
        if ent.record is not None and entry.entity_id is not None:
            wanted.setdefault(ent.record, set()).add(entry.entity_id)
    for ref, ids in wanted.items():
        names.preload(ref, ids)


def _actor_names(entries: Sequence[AuditEntry], names: _Names) -> dict[int, str]:
    from biopark.accounts.models import User

    ref = Ref(User, "display_name")
    ids = {e.actor_id for e in entries if e.actor_id is not None}
    names.preload(ref, ids)
    found = names.found.get((User, "display_name"), {})
    out = {}
    for e in entries:
        if e.actor_id is not None and e.actor_id in found:
            out[e.id] = found[e.actor_id]
        elif e.actor_name and e.actor_name != "system":
            out[e.id] = e.actor_name
    return out
