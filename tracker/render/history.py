"""The change log out: `tracker history` as JSON (the contract in README, JSON
output) and as rows, and a claim's corrections as readers are told them."""

from __future__ import annotations

from typing import Any

from tracker.query.history import ChangeEntry, Correction, EntityChange, FieldChange

HISTORY_HEADERS = ["Change", "When (UTC)", "By", "Command", "What"]
# A table lists each entity a change touched up to this many; past it, counts.
_LISTED = 10
_SHOWN = 80  # characters of a value shown in a table (JSON keeps it whole)


def field_dict(change: FieldChange) -> dict[str, Any]:
    if change.items:
        return {"field": change.field, "removed": change.before, "added": change.after}
    return {"field": change.field, "before": change.before, "after": change.after}


def entity_dict(entity: EntityChange) -> dict[str, Any]:
    return {
        "kind": entity.kind,
        "id": entity.id,
        "action": entity.action,
        "fields": [field_dict(f) for f in entity.fields],
    }


def history_dict(entry: ChangeEntry) -> dict[str, Any]:
    """One change object of the JSON contract."""
    return {
        "id": entry.id,
        "at": entry.made_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "by": entry.made_by,
        "command": entry.command,
        "capture": entry.capture,
        "silent": entry.silent,
        "undoes": entry.undoes,
        "undone_by": entry.undone_by,
        "note": entry.note,
        "files": entry.files,
        "counts": entry.counts,
        "entities": [entity_dict(e) for e in entry.entities],
        "more": entry.more,
    }


def _short(value: Any) -> str:
    if value is None:
        return "(none)"
    text = str(value)
    text = text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
    return f"“{text}”" if isinstance(value, str) else text


def field_line(change: FieldChange) -> str:
    if change.items:
        parts = [f"removed {_short(i)}" for i in change.before]
        parts += [f"added {_short(i)}" for i in change.after]
        return f"{change.field}: " + "; ".join(parts)
    if change.field == "claimants":
        return f"claimants: {'; '.join(change.before)} → {'; '.join(change.after)}"
    return f"{change.field}: {_short(change.before)} → {_short(change.after)}"


def entity_lines(entity: EntityChange) -> list[str]:
    head = f"{entity.action} {entity.kind} {entity.id}"
    if not entity.fields:
        return [head]
    return [f"{head}: {field_line(entity.fields[0])}"] + [
        f"  {field_line(f)}" for f in entity.fields[1:]
    ]


def what_lines(entry: ChangeEntry) -> list[str]:
    """What a change did, a line each: its entities, or their counts."""
    lines = []
    if entry.undoes is not None:
        lines.append(f"undoes change {entry.undoes}")
    if entry.undone_by is not None:
        lines.append(f"undone by change {entry.undone_by}")
    if entry.silent:
        lines.append("silent (not shown among corrections)")
    if entry.note:
        lines += entry.note.splitlines()
    if len(entry.entities) <= _LISTED and not entry.more:
        for entity in entry.entities:
            lines += entity_lines(entity)
    else:
        for kind, counts in entry.counts.items():
            said = [f"{n:,} {action}" for action, n in counts.items() if n]
            if said:
                lines.append(f"{kind}: {', '.join(said)}")
    return lines


def history_row(entry: ChangeEntry) -> list[Any]:
    return [
        entry.id,
        entry.made_at.strftime("%Y-%m-%d %H:%M"),
        entry.made_by,
        entry.command,
        "\n".join(what_lines(entry)),
    ]


def correction_dict(correction: Correction) -> dict[str, Any]:
    return {
        "change": correction.change,
        "on": correction.on.isoformat(),
        "fields": [field_dict(f) for f in correction.fields],
        "text": correction.sentence(),
    }
