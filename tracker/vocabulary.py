"""The fixed vocabularies of the model, importable without SQLAlchemy (the CLI
lists them in --help)."""

ACTOR_KINDS = ("person", "organization", "government", "group")
DATE_PRECISIONS = ("day", "month", "year")
APPEARANCE_TYPES = ("direct", "paraphrase")
# Relations that put a claim in dispute, and those that back it.
COUNTER_RELATIONS = ("denies", "disputes", "undercuts")
SUPPORT_RELATIONS = ("supports", "corroborates")
RELATION_TYPES = (*COUNTER_RELATIONS, *SUPPORT_RELATIONS, "restates", "retracts")
STATUSES = ("contested", "corroborated", "uncontested", "retracted")
